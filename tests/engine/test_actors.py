"""Tests for actor, sector and region extraction."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.actors import ActorScan, find_actors
from app.engine.brief import Actor, ActorType
from app.engine.document import Document

SEED = Path(__file__).resolve().parents[2] / "seeds" / "sandman-luadream-article.txt"


def _scan(text: str) -> ActorScan:
    return find_actors(Document.from_raw(text))


def _by_name(scan: ActorScan) -> dict[str, Actor]:
    return {actor.name: actor for actor in scan.actors}


@pytest.fixture(scope="module")
def seed_scan() -> ActorScan:
    return find_actors(Document.from_raw(SEED.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Sandman", ActorType.threat_actor),
        ("STORM-0866", ActorType.threat_actor),
        ("APT41", ActorType.threat_actor),
        ("LuaDream", ActorType.malware),
        ("KeyPlug", ActorType.malware),
        ("SentinelOne", ActorType.security_vendor),
        ("Microsoft", ActorType.security_vendor),
        ("PwC", ActorType.security_vendor),
        ("China", ActorType.country),
    ],
)
def test_find_actors_seed_names_the_actors(
    seed_scan: ActorScan, name: str, kind: ActorType
) -> None:
    actor = _by_name(seed_scan)[name]
    assert actor.type == kind
    assert actor.evidence
    assert all(e.grounded for e in actor.evidence)


def test_find_actors_seed_pair_is_one_actor(seed_scan: ActorScan) -> None:
    actors = _by_name(seed_scan)
    assert "Red Dev 40" in actors["STORM-0866"].aliases
    assert "Red Dev 40" not in actors


def test_find_actors_seed_keeps_spelling_from_text(seed_scan: ActorScan) -> None:
    assert "KEYPLUG" in _by_name(seed_scan)["KeyPlug"].aliases


def test_find_actors_seed_has_no_junk(seed_scan: ActorScan) -> None:
    names = {a.name for a in seed_scan.actors}
    assert not names & {"Lua", "LABScon", "Chinese", "APT", "Cyberespionage", "Red Dev 40"}
    assert len(names) == 9


def test_find_actors_seed_targets(seed_scan: ActorScan) -> None:
    assert "telecommunications" in seed_scan.targets.sectors
    assert {"Middle East", "Europe", "South Asia"} <= set(seed_scan.targets.regions)
    assert "China" not in seed_scan.targets.regions


def test_find_actors_evidence_points_at_text(seed_scan: ActorScan) -> None:
    text = Document.from_raw(SEED.read_text(encoding="utf-8")).text
    for actor in seed_scan.actors:
        assert len(actor.evidence) <= 5
        for evidence in actor.evidence:
            assert text[evidence.start : evidence.end] == evidence.quote


def test_find_actors_weather_name_and_agencies() -> None:
    scan = _scan(
        "Silk Typhoon, a China-based threat actor, targeted government agencies in Europe. "
        "CISA and the FBI warned about the intrusions."
    )
    actors = _by_name(scan)
    assert actors["Silk Typhoon"].type == ActorType.threat_actor
    assert actors["CISA"].type == ActorType.government
    assert actors["China"].type == ActorType.country
    assert "government" in scan.targets.sectors
    assert "Europe" in scan.targets.regions


def test_find_actors_unknown_animal_and_introduced_backdoor() -> None:
    scan = _scan(
        "Researchers observed Quartz Chollima targeting banks. The actor used a new backdoor, "
        "NightCrawl9, and the FernLoader loader."
    )
    actors = _by_name(scan)
    assert actors["Quartz Chollima"].type == ActorType.threat_actor
    assert actors["NightCrawl9"].type == ActorType.malware
    assert actors["FernLoader"].type == ActorType.malware


def test_find_actors_naming_schemes() -> None:
    actors = _by_name(_scan("UNC3886 and TA577 were active; TA0001 is a tactic, not an actor."))
    assert actors["UNC3886"].type == ActorType.threat_actor
    assert actors["TA577"].type == ActorType.threat_actor
    assert "TA0001" not in actors


def test_find_actors_aka_makes_one_actor() -> None:
    scan = _scan("The Moonfang group, also known as UNC9999, deployed Emotet and Cobalt Strike.")
    actors = _by_name(scan)
    assert actors["Moonfang"].aliases == ["UNC9999"]
    assert "UNC9999" not in actors
    assert actors["Emotet"].type == ActorType.malware
    assert actors["Cobalt Strike"].type == ActorType.tool
    assert actors["Emotet"].description


def test_find_actors_gazetteer_only_name_has_description() -> None:
    actors = _by_name(_scan("The Lazarus Group stole cryptocurrency."))
    assert actors["Lazarus Group"].type == ActorType.threat_actor
    assert actors["Lazarus Group"].description


def test_find_actors_ignores_common_words() -> None:
    scan = _scan(
        "Remote workers should update Windows and Office. The Agent said the Storm was a Phoenix "
        "over the Cloud. Python and Lua scripts help the Hydra team. Our Group meets on Monday. "
        "Shell scripts and the Equation editor are handy. Microsoft Office is installed."
    )
    assert scan.actors == []


def test_find_actors_targeted_country_is_not_an_actor() -> None:
    scan = _scan("TA453 sent phishing emails targeting think tanks in Germany.")
    names = {a.name for a in scan.actors}
    assert "Germany" not in names
    assert "Germany" in scan.targets.regions
    assert "research" in scan.targets.sectors


# Held-out texts (written for these tests, not taken from eval/) for the shape and cue rules.
VICTIMS = (
    "Northgate Logistics Ltd. disclosed on Monday that attackers had copied shipment records "
    "from its customer portal. The intrusion began through an unpatched Citrix NetScaler "
    "gateway; Zyxel released a fix for a second flaw the same week. Poland's Internal Security "
    "Agency (ABW) is investigating. A regional retail chain, Brightwater Stores, said it was "
    "also affected. Our Security Operations Center (SOC) reviewed the logs."
)
CODENAMES = (
    "Researchers observed a new loader we call BLUEHERON. The second stage, SILKSPOOL, is a "
    "backdoor written in Rust. The group behind it, UNC9999, is also tracked as TA9998, and "
    "Microsoft tracks the same cluster as DEV-9997. The operators used an exfiltration utility "
    "called Rclone and a tunnelling tool named Chisel. Operation SILVERFOX, the police "
    "takedown, seized two servers. A DarkGate AutoIt script was also found."
)
USAGE = (
    "LockBit claimed the attack on its leak site two days later. In a separate case an "
    "affiliate deployed Black Basta ransomware on ESXi hosts. MGM Resorts confirmed the outage."
)


def test_find_actors_names_companies_by_suffix_apposition_and_acts() -> None:
    actors = _by_name(_scan(VICTIMS))
    for name in ("Northgate Logistics Ltd", "Brightwater Stores", "Zyxel"):
        assert actors[name].type == ActorType.organization
    assert "Citrix" not in actors  # named only as the maker of an exploited product


def test_find_actors_names_agency_with_its_acronym_as_one_actor() -> None:
    actors = _by_name(_scan(VICTIMS))
    assert actors["Internal Security Agency"].type == ActorType.government
    assert actors["Internal Security Agency"].aliases == ["ABW"]
    assert not any("Operations Center" in name for name in actors)


def test_find_actors_reads_codenames_introduced_by_cue_words() -> None:
    actors = _by_name(_scan(CODENAMES))
    assert actors["BLUEHERON"].type == ActorType.malware
    assert actors["SILKSPOOL"].type == ActorType.malware
    assert actors["Rclone"].type == ActorType.tool
    assert actors["Chisel"].type == ActorType.tool
    assert "SILVERFOX" not in actors  # an operation, not an actor
    assert "AutoIt" not in actors  # a scripting language


def test_find_actors_folds_names_other_vendors_use_for_the_same_cluster() -> None:
    actors = _by_name(_scan(CODENAMES))
    assert set(actors["UNC9999"].aliases) == {"TA9998", "DEV-9997"}
    assert "TA9998" not in actors
    assert actors["Microsoft"].type == ActorType.security_vendor


def test_find_actors_types_ransomware_brand_by_how_the_text_uses_it() -> None:
    actors = _by_name(_scan(USAGE))
    assert actors["LockBit"].type == ActorType.threat_actor
    assert actors["Black Basta"].type == ActorType.malware
    assert actors["MGM Resorts"].type == ActorType.organization


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Among the carriers that have confirmed intrusions are Comcast, Verizon and others.",
            "Verizon",
        ),
        ("Marriott shared indicators with the wider hotel industry last week.", "Marriott"),
        ("Twilio support confirmed that no customer data was touched.", "Twilio"),
        ("Apply the workaround from the Zyxel advisory before the weekend.", "Zyxel"),
        ("The actor compromised the JetBrains build servers in 2023.", "JetBrains"),
        ("Comcast and Verizon were breached by the same crew.", "Comcast"),
        ("The crew breached T-Mobile, Uber and Twilio in 2022.", "T-Mobile"),
    ],
)
def test_find_actors_known_company_counts_when_the_text_shows_it_acting(
    text: str, name: str
) -> None:
    actor = _by_name(_scan(text))[name]
    assert actor.type == ActorType.organization


def test_find_actors_known_company_named_as_a_product_maker_is_no_actor() -> None:
    scan = _scan("The actor compromised Citrix NetScaler gateways and Zyxel firewalls.")
    assert "Citrix" not in _by_name(scan)


def test_find_actors_company_name_does_not_start_in_the_previous_sentence() -> None:
    names = _by_name(_scan("The flaw sits in FortiOS. Juniper Networks published fixes on Monday."))
    assert "Juniper Networks" in names
    assert not any(name.startswith("FortiOS") for name in names)


def test_find_actors_known_vendor_with_corporate_suffix_is_one_actor() -> None:
    names = _by_name(_scan("Trend Micro Software Technologies released a fix, Trend Micro said."))
    assert list(names) == ["Trend Micro"]


def test_find_actors_security_vendor_that_only_ships_a_fix_is_an_organization() -> None:
    text = "Sophos released a hotfix for the XG firewall bug; apply the Sophos hotfix today."
    assert _by_name(_scan(text))["Sophos"].type == ActorType.organization


def test_find_actors_security_vendor_that_also_reports_research_stays_a_vendor() -> None:
    text = "Sophos patched the firewall bug. Sophos researchers tracked the actor for months."
    assert _by_name(_scan(text))["Sophos"].type == ActorType.security_vendor


def test_find_actors_hash_after_a_cue_word_is_no_malware_name() -> None:
    text = (
        "Hashes:\n  0a1b2c3d4e5f60718293a4b5c6d7e8f9  Bumblebee loader\n"
        "  a3f9c1d2e4b5a6978812  notes"
    )
    assert not any(a.name[:4] == "a3f9" for a in _scan(text).actors)


def test_find_actors_sponsor_adjective_compound_is_no_actor_name() -> None:
    names = _by_name(_scan("MOIS-affiliated actors defaced the portal of a regional utility."))
    assert not any(name.endswith("-affiliated") for name in names)


@pytest.mark.parametrize(
    "text",
    [
        "The intruders dropped a Go implant that we track as TRK-4410 on the gateway.",
        "The implant, which the vendor tracks internally as TRK-4410, survives reboots.",
        "The operators ran a collection utility it calls PEBBLECRATE on every server.",
        "We also saw QuillSnatch, the crew's Python stealer, copying browser cookies.",
    ],
)
def test_find_actors_software_named_by_a_vendor_phrase(text: str) -> None:
    kinds = {a.name: a.type for a in _scan(text).actors}
    assert set(kinds) & {"TRK-4410", "PEBBLECRATE", "QuillSnatch"}


def test_find_actors_every_name_in_a_list_after_a_malware_cue() -> None:
    text = "Its malware families include PLEAD, KrustyCrab and Waterbear, and it signs them."
    names = _by_name(_scan(text))
    assert {"PLEAD", "KrustyCrab", "Waterbear"} <= set(names)
    assert names["KrustyCrab"].type == ActorType.malware


def test_find_actors_list_after_tools_cue_skips_short_ordinary_names() -> None:
    names = _by_name(_scan("The crew used tools such as WMI, AdFind and SharpLoot, then left."))
    assert names["SharpLoot"].type == ActorType.tool
    assert "WMI" not in names


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("The backdoor, designated TRK-22 internally, beacons hourly.", "TRK-22", "malware"),
        ("They ran BurrowLink, a Go-based tunneler, on the jump host.", "BurrowLink", "tool"),
        (
            "Northwind assigns the intrusions to a cluster we call Quartz Heron.",
            "Quartz Heron",
            "threat_actor",
        ),
        (
            "Victims include the Port Authority of Eastbay, a freight hub.",
            "Port Authority of Eastbay",
            "organization",
        ),
    ],
)
def test_find_actors_names_introduced_by_naming_and_victim_phrases(
    text: str, name: str, kind: str
) -> None:
    assert _by_name(_scan(text))[name].type == ActorType(kind)


def test_find_actors_country_of_a_patron_agency_is_the_sponsor() -> None:
    text = "APT29 operators working for the Russian Foreign Intelligence Service stole mail."
    assert _by_name(_scan(text))["Russia"].type == ActorType.country


@pytest.mark.parametrize(
    "text",
    [
        "APT29 was described by the FBI, the Polish Military Counterintelligence Service "
        "(SKW) and CISA.",
        "An advisory from the Polish Military Counterintelligence Service warned of APT29.",
    ],
)
def test_find_actors_country_of_a_co_authoring_agency_is_no_sponsor(text: str) -> None:
    assert "Poland" not in _by_name(_scan(text))


def test_find_actors_sponsor_fragment_names_the_actor_of_the_sentence_before() -> None:
    text = "Gamaredon is run by FSB officers in Crimea. Russian state-backed; active since 2013."
    assert "Russia" in _by_name(_scan(text))


def test_find_actors_listed_vendor_names_are_aliases_of_the_actor() -> None:
    text = (
        "Salt Typhoon broke into carriers. Other vendors track related activity as "
        "GhostEmperor and Earth Estries."
    )
    actors = _by_name(_scan(text))
    assert "Earth Estries" not in actors
    assert "Earth Estries" in actors["Salt Typhoon"].aliases


def test_find_actors_this_dropper_after_a_new_one_is_not_an_earlier_alias() -> None:
    text = (
        "The payload is Lumma Stealer.\n\nThe script writes a small dropper to disk. "
        "We track this dropper internally as HLD-7781."
    )
    actors = _by_name(_scan(text))
    assert "HLD-7781" in actors
    assert "HLD-7781" not in actors["Lumma Stealer"].aliases


def test_find_actors_short_stem_of_a_stealer_name_is_no_actor() -> None:
    names = _by_name(_scan("Analysts examined the PlugX USB worm on three laptops."))
    assert "USB" not in names


def test_find_actors_byline_team_is_the_reporting_vendor() -> None:
    text = "Posted by the Harbor Point DFIR team, 3 May 2024\n\nAkira operators used AnyDesk."
    assert _by_name(_scan(text))["Harbor Point"].type == ActorType.security_vendor


def test_find_actors_national_agency_without_matching_acronym_is_government() -> None:
    text = "The advisory was co-signed by the Czech National Cyber and Information Security Agency."
    names = _by_name(_scan(text))
    assert names["Czech National Cyber and Information Security Agency"].type == (
        ActorType.government
    )


def test_find_actors_agency_known_as_its_acronym_is_one_actor() -> None:
    text = "Actors working for the Russian Foreign Intelligence Service, known as the SVR, spied."
    agencies = [a for a in _scan(text).actors if a.type == ActorType.government]
    assert len(agencies) == 1
    assert {"SVR", "Russian Foreign Intelligence Service"} <= {
        agencies[0].name,
        *agencies[0].aliases,
    }


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("They tunnelled out through a GOST proxy on a jump host.", True),
        ("They tunnelled out through the Tinyhop proxy on a jump host.", False),
    ],
)
def test_find_actors_proxy_cue_names_only_known_tools(text: str, present: bool) -> None:
    names = _by_name(_scan(text))
    assert ("GOST" in names or "Tinyhop" in names) is present


@pytest.mark.parametrize(
    "text",
    [
        "The lures spoofed companies such as Adobe and Dropbox Inc. to harvest logins.",
        "The lures impersonated companies including DocuSign and Adobe.",
    ],
)
def test_find_actors_brands_spoofed_by_lures_are_no_victims(text: str) -> None:
    assert "Adobe" not in _by_name(_scan(text))


def test_find_actors_victim_description_is_no_organization() -> None:
    assert _scan("Victims include US Government agencies and Fortune 500 firms.").actors == []


def test_find_actors_country_of_a_ministry_whose_officers_act_is_the_sponsor() -> None:
    text = "Officers of the Chinese Ministry of State Security directed the intrusions by APT40."
    assert _by_name(_scan(text))["China"].type == ActorType.country


def test_find_actors_windows_autorun_feature_is_no_malware() -> None:
    text = "The worm writes an AutoRun entry so that it runs when the drive is opened."
    assert _scan(text).actors == []
