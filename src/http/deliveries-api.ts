import { Hono } from 'hono'
import type { AppDeps } from '../deps.js'

// placeholder: filled in by its owner
export function deliveriesApi(_deps: AppDeps): Hono {
  return new Hono()
}
