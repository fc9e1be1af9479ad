import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * Every metric ci-notify exports, in one registry per app instance (tests build several apps in one process).
 * Label values are bounded: source (built in, or an id from the rules file's sources:), kind, status, reason, target *name* (from the rules file), result, errcode.
 * Never project names, URLs or anything else an outsider controls.
 */
export function createMetrics(o: { defaults?: boolean } = {}) {
  const registry = new Registry()
  if (o.defaults) collectDefaultMetrics({ register: registry, prefix: 'ci_notify_' })
  const r = [registry]
  return {
    registry,
    eventsReceived: new Counter({ name: 'ci_notify_events_received_total', help: 'Events accepted, by source, kind and status', labelNames: ['source', 'kind', 'status'], registers: r }),
    eventsIgnored: new Counter({ name: 'ci_notify_events_ignored_total', help: 'Valid webhooks that ci-notify does not translate', labelNames: ['source'], registers: r }),
    rejected: new Counter({ name: 'ci_notify_requests_rejected_total', help: 'Webhooks rejected, by source and reason (auth, malformed, too_large, unsupported_media, unavailable)', labelNames: ['source', 'reason'], registers: r }),
    duplicates: new Counter({ name: 'ci_notify_duplicates_total', help: 'Redelivered webhooks recognised as duplicates', labelNames: ['source'], registers: r }),
    deliveries: new Counter({ name: 'ci_notify_deliveries_total', help: 'Delivery outcomes, by target and result (sent, retry, dead, dry_run, silenced)', labelNames: ['target', 'result'], registers: r }),
    deliveryLatency: new Histogram({ name: 'ci_notify_delivery_latency_seconds', help: 'From event receipt to confirmed send', labelNames: ['target'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600], registers: r }),
    queueDepth: new Gauge({ name: 'ci_notify_queue_depth', help: 'Deliveries waiting (pending + retrying)', registers: r }),
    oldestPendingAge: new Gauge({ name: 'ci_notify_oldest_pending_age_seconds', help: 'Age of the oldest waiting delivery', registers: r }),
    retries: new Counter({ name: 'ci_notify_delivery_retries_total', help: 'Retried delivery attempts, by errcode (or "network", "http_5xx", "timeout")', labelNames: ['errcode'], registers: r }),
    rateLimitWaits: new Counter({ name: 'ci_notify_rate_limit_waits_total', help: 'Times a send waited for a robot\'s rate budget', labelNames: ['target'], registers: r }),
    catchUps: new Counter({ name: 'ci_notify_catch_ups_total', help: 'Catch-up digests sent after a silence ended (one per target that held something)', labelNames: ['target'], registers: r }),
    digests: new Counter({ name: 'ci_notify_digests_total', help: 'Digest messages sent (several events merged)', labelNames: ['target'], registers: r }),
    deadLetters: new Gauge({ name: 'ci_notify_dead_letters', help: 'Deliveries in the dead-letter state', registers: r }),
    rulesReloads: new Counter({ name: 'ci_notify_rules_reloads_total', help: 'Rules file (re)loads by result (ok, error)', labelNames: ['result'], registers: r }),
    logLinesDropped: new Counter({ name: 'ci_notify_log_lines_dropped_total', help: 'Log lines dropped because stdout did not keep up (16 MB of lines were waiting)', registers: r }),
    rulesLoadError: new Gauge({ name: 'ci_notify_rules_last_reload_failed', help: '1 when the last rules reload failed and the previous rules are still running', registers: r }),
  }
}
export type Metrics = ReturnType<typeof createMetrics>
