import { Hono } from 'hono'
import type { AppDeps } from '../deps.js'

// placeholder: filled in by its owner
export function eventsApi(_deps: AppDeps): Hono {
  return new Hono()
}
