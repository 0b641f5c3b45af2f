"""The base-form verbs that open an action ("Patch the VPN", "Alice to rotate the keys")."""

from __future__ import annotations

VERBS = frozenset(
    """
    add adopt adapt alert align allowlist analyse analyze apply archive ask assess assign
    audit automate avoid back backup ban block blocklist book brief build calculate call
    capture change check clarify classify clean close collaborate collect communicate
    compare complete conduct configure confirm consider contact contain continue coordinate
    correlate create decide decommission define delete deploy design detect determine
    develop disable disconnect disseminate document double double-check draft educate email enable
    encrypt enforce engage enrich enroll enrol ensure escalate establish evaluate expand
    explore export file filter finalise finalize find fix flag follow forward gather get
    harden hold hunt identify implement improve include increase inform ingest install
    integrate introduce inventory investigate invite isolate keep label leverage limit log
    look maintain make map mandate measure merge migrate minimise minimize mitigate monitor
    move notify obtain onboard organise organize patch perform ping plan prepare present
    preserve prevent prioritise prioritize protect provide publish purge push quarantine
    raise reach rebuild reconfigure recover reduce refresh register reimage remediate remind
    remove rename renew replace report request require rerun research reset resolve restore
    restrict retain retire revoke review revise rotate run sanitise sanitize scan schedule
    scope search secure segment segregate send set share shut sinkhole standardise
    standardize start stay stop strengthen submit subscribe supervise sync take talk test
    track train triage tune turn update upgrade use utilise utilize validate verify watch
    whitelist write chase produce kill terminate extend circulate distribute deliver arrange
    reboot approve sign fetch pull drop pause resume lock reply respond summarise summarize
    deprecate convene demo re-enable roll post
    """.split()  # noqa: SIM905
)


def is_action_verb(word: str) -> bool:
    """True for a base-form action verb, also hyphenated ("re-image", "re-run")."""
    word = word.lower()
    if word in VERBS:
        return True
    if "-" not in word:
        return False
    return word.replace("-", "") in VERBS or (word.startswith("re-") and word[3:] in VERBS)
