"""Webhooks: subscriptions, signed report events, retries and the per-report delivery log."""
