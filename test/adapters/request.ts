import { readFileSync } from 'node:fs'
import type { RawRequest } from '../../adapters/common/types.js'

export const fixture = (path: string): string => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')
export const sample = (name: string): string => readFileSync(new URL(`./samples/${name}`, import.meta.url), 'utf8')

export function req(body: string, headers: Record<string, string> = {}, query = ''): RawRequest {
  return { headers: new Headers(headers), body, query: new URLSearchParams(query) }
}

/** A fixture with some fields changed, for cases no captured payload shows. */
export function edited(path: string, edit: (body: any) => void): string {
  const body = JSON.parse(fixture(path))
  edit(body)
  return JSON.stringify(body)
}
