"""The deterministic indicator pass: types, defanging, filters, offsets, recall."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.brief import Indicator, IndicatorType
from app.engine.indicators import (
    IndicatorScan,
    scan_indicators,
    scan_indicators_exhaustive,
    technique_name,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures" / "indicators"
SEED = ROOT / "seeds" / "sandman-luadream-article.txt"

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
SHA512 = (
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
)
BITCOIN = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


def _by_value(scan: IndicatorScan) -> dict[str, Indicator]:
    return {indicator.value: indicator for indicator in scan.indicators}


def _values(scan: IndicatorScan, kind: IndicatorType) -> set[str]:
    return {i.value for i in scan.indicators if i.type is kind}


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("C2 at 203.0.113.7 was seen.", IndicatorType.ipv4, "203.0.113.7"),
        ("C2 at 2001:DB8::7 was seen.", IndicatorType.ipv6, "2001:db8::7"),
        ("Scans from 198.51.100.0/24 hit us.", IndicatorType.cidr, "198.51.100.0/24"),
        ("Beacon to update-check.xyz daily.", IndicatorType.domain, "update-check.xyz"),
        (
            "Payload at https://cdn.evil-host.net/a/b.bin now.",
            IndicatorType.url,
            "https://cdn.evil-host.net/a/b.bin",
        ),
        ("Mail from Ops.Team@Evil-Host.NET.", IndicatorType.email, "ops.team@evil-host.net"),
        (f"MD5 {MD5.upper()} seen.", IndicatorType.md5, MD5),
        (f"SHA1 {SHA1} seen.", IndicatorType.sha1, SHA1),
        (f"SHA256 {SHA256} seen.", IndicatorType.sha256, SHA256),
        (f"SHA512 {SHA512} seen.", IndicatorType.sha512, SHA512),
        ("Exploits cve-2023-23397 in Outlook.", IndicatorType.cve, "CVE-2023-23397"),
        (f"Ransom paid to {BITCOIN}.", IndicatorType.bitcoin, BITCOIN),
    ],
)
def test_scan_indicators_finds_each_type(text: str, kind: IndicatorType, value: str) -> None:
    scan = scan_indicators(text)
    assert _values(scan, kind) == {value}


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("evil[.]com", "evil.com"),
        ("evil(.)com", "evil.com"),
        ("evil{.}com", "evil.com"),
        ("evil[dot]com", "evil.com"),
        ("evil(dot)com", "evil.com"),
        ("evil [.] com", "evil.com"),
        ("evil dot com", "evil.com"),
        ("evil DOT com", "evil.com"),
        ("hxxp://evil[.]com/gate.php", "http://evil.com/gate.php"),
        ("hXXps://evil[.]com/x", "https://evil.com/x"),
        ("hxxps[://]evil[.]com/x", "https://evil.com/x"),
        ("hxxp[:]//evil[.]com/x", "http://evil.com/x"),
        ("admin[at]evil[.]com", "admin@evil.com"),
        ("admin(at)evil(.)com", "admin@evil.com"),
        ("admin[@]evil[.]com", "admin@evil.com"),
        ("198.51.100[.]7", "198.51.100.7"),
    ],
)
def test_scan_indicators_refangs_and_keeps_text_as_written(written: str, value: str) -> None:
    text = f"The operators used {written} during the intrusion."
    found = _by_value(scan_indicators(text))
    assert value in found
    indicator = found[value]
    assert indicator.as_written == written
    evidence = indicator.evidence[0]
    assert text[evidence.start : evidence.end] == written
    assert evidence.grounded


def test_scan_indicators_does_not_read_prose_dot_as_a_domain() -> None:
    scan = scan_indicators("The dot com bubble burst; one dot com company survived.")
    assert scan.indicators == []


@pytest.mark.parametrize(
    "name",
    [
        "report.pdf",
        "setup.py",
        "invoice.docx",
        "payload.exe",
        "loader.dll",
        "config.json",
        "script.js",
        "index.php",
        "archive.zip",
        "clip.mov",
        "README.md",
        "Node.js",
        "ASP.NET",
        "e.g.",
        "i.e.",
    ],
)
def test_scan_indicators_ignores_file_and_tech_names(name: str) -> None:
    assert scan_indicators(f"The loader, {name}, was unpacked first.").indicators == []


def test_scan_indicators_keeps_defanged_or_url_borne_file_like_domains() -> None:
    scan = scan_indicators("Lure hosted on invoice[.]zip and at https://files.example.mov/x.")
    assert _values(scan, IndicatorType.domain) == {"invoice.zip"}
    assert _values(scan, IndicatorType.url) == {"https://files.example.mov/x"}


@pytest.mark.parametrize(
    "text",
    [
        "Tested on version 10.0.19041.1 only.",
        "Agent v1.2.3.4 shipped.",
        "Requires version 1.2.3.4.",
        "Windows build 6.1.7601.17514.",
    ],
)
def test_scan_indicators_ignores_version_numbers(text: str) -> None:
    assert _values(scan_indicators(text), IndicatorType.ipv4) == set()


def test_scan_indicators_moves_plain_vendor_urls_to_references() -> None:
    text = (
        "See https://attack.mitre.org/techniques/T1059/ and https://www.sentinelone.com/labs/x/ "
        "while the payload came from hxxps://github[.]com/evil/repo/raw/a.exe."
    )
    scan = scan_indicators(text)
    assert scan.references == [
        "https://attack.mitre.org/techniques/T1059/",
        "https://www.sentinelone.com/labs/x/",
    ]
    assert _values(scan, IndicatorType.url) == {"https://github.com/evil/repo/raw/a.exe"}
    assert _values(scan, IndicatorType.domain) == set()


def test_scan_indicators_does_not_repeat_hosts_of_urls_and_emails() -> None:
    text = "Fetched hxxp://stage[.]evil[.]net/p and mailed ops[at]mail[.]evil[.]net."
    scan = scan_indicators(text)
    assert _values(scan, IndicatorType.domain) == set()
    assert _values(scan, IndicatorType.ipv4) == set()
    text += " Later stage.evil.net resolved to 192.0.2.10, seen in http://192.0.2.10/x too."
    scan = scan_indicators(text)
    assert _values(scan, IndicatorType.domain) == {"stage.evil.net"}
    ip = _by_value(scan)["192.0.2.10"]
    assert len(ip.evidence) == 1  # the occurrence inside the URL belongs to the URL


def test_scan_indicators_dedupes_and_records_every_occurrence() -> None:
    text = "evil[.]com was seen; later EVIL.COM and evil.com again, then evil(.)com."
    scan = scan_indicators(text)
    assert [i.value for i in scan.indicators] == ["evil.com"]
    indicator = scan.indicators[0]
    assert indicator.as_written == "evil[.]com"
    quotes = [text[e.start : e.end] for e in indicator.evidence]
    assert quotes == ["evil[.]com", "EVIL.COM", "evil.com", "evil(.)com"]


def test_scan_indicators_caps_evidence_per_indicator() -> None:
    text = " ".join(f"Seen {MD5} again." for _ in range(12))
    (indicator,) = scan_indicators(text).indicators
    assert len(indicator.evidence) == 5


def test_scan_indicators_offsets_match_the_text() -> None:
    text = (FIXTURES / "report.txt").read_text(encoding="utf-8")
    scan = scan_indicators(text)
    assert len(scan.indicators) > 20
    for indicator in scan.indicators:
        for evidence in indicator.evidence:
            assert text[evidence.start : evidence.end] == evidence.quote
        assert indicator.evidence[0].quote == indicator.as_written
    for technique in scan.techniques:
        assert all(text[e.start : e.end] == technique.id for e in technique.evidence)


def test_scan_indicators_invents_nothing() -> None:
    text = "Nothing here: 999.1.1.1, 1.2.3, abc.def, T9999, CVE-99-1, 1234567890abcdef."
    scan = scan_indicators(text)
    assert scan.indicators == []
    assert scan.techniques == []


def test_scan_indicators_rejects_bitcoin_lookalikes() -> None:
    fake = "1" + "A" * 30  # base58-shaped, bad checksum
    md5_like = "1" + MD5[1:]
    scan = scan_indicators(f"Send to {fake} or {md5_like}.")
    assert [i.type for i in scan.indicators] == [IndicatorType.md5]


def test_scan_indicators_names_attack_techniques() -> None:
    scan = scan_indicators("They used T1059.001 and T1566, then T1059.001 again (T9999 is no id).")
    names = {t.id: t.name for t in scan.techniques}
    assert names == {
        "T1059.001": "Command and Scripting Interpreter: PowerShell",
        "T1566": "Phishing",
    }
    assert len(next(t for t in scan.techniques if t.id == "T1059.001").evidence) == 2


def test_technique_name_reads_attack() -> None:
    assert technique_name("T1059") == "Command and Scripting Interpreter"
    assert technique_name("t1566.001") == "Phishing: Spearphishing Attachment"
    assert technique_name("T9999") is None


def test_scan_indicators_handles_empty_text() -> None:
    assert scan_indicators("") == IndicatorScan()


def test_scan_indicators_finds_nothing_in_the_seed_article() -> None:
    text = SEED.read_text(encoding="utf-8")
    scan = scan_indicators(text)
    assert scan.indicators == []
    assert scan.techniques == []
    assert scan.references == []


@pytest.mark.parametrize("name", ["report.txt", "notes.txt"])
def test_scan_indicators_loses_nothing_ioc_finder_finds(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    _assert_same_recall(text)


def test_scan_indicators_loses_nothing_ioc_finder_finds_in_the_seed() -> None:
    _assert_same_recall(SEED.read_text(encoding="utf-8"))


def _assert_same_recall(text: str) -> None:
    exhaustive = scan_indicators_exhaustive(text)  # find_iocs over the whole text
    fast = scan_indicators(text)
    want = {(i.type, i.value) for i in exhaustive.indicators}
    got = {(i.type, i.value) for i in fast.indicators}
    assert want <= got
    assert set(exhaustive.references) <= set(fast.references)


def test_scan_indicators_keeps_shouted_words_out_of_addresses() -> None:
    # ioc-fanger reads "fooATbar" as foo@bar only between lower-case letters.
    text = "The panel runs on ASP.NET included with IIS; WWW.MDOTJX.VIP is a real host."
    scan = scan_indicators(text)
    assert _values(scan, IndicatorType.email) == set()
    assert _values(scan, IndicatorType.domain) == {"www.mdotjx.vip"}


DEFANG_SAMPLES = [
    "evil [ . ] com and evil - DOT - com, user at) example, admin@) x, hXXps[:]//a[.]b/c",
    "x (dot) y [dot] z {.} w -dot- v evilDOTcom a [at] b c(at)d e ARROBA f g[@]h",
    "hxxp: //a.b  xxxx://c.d xxxxx://e.f h[xx]p://g.h 1.2.3[.]4 a\\.b c<.>d e^.f [-] \\/",
    "meet  @  noon; ftp[:]//files[.]net; WWW[.]EVIL[.]COM ( dot ) com; see [1]. (e.g. this)",
]


@pytest.mark.parametrize("text", DEFANG_SAMPLES)
def test_refanged_text_matches_refanging_everywhere(text: str) -> None:
    # The refanger tries its rules only near defang markers; that must change nothing.
    from app.engine import ioc_locate

    expected = ioc_locate._REFANG.sub(lambda m: ioc_locate._REPLACEMENT[m.lastgroup or "dot"], text)
    assert ioc_locate.RefangedText(text).text == expected


@pytest.mark.parametrize("name", ["report.txt", "notes.txt"])
def test_parse_domains_reads_what_ioc_finder_reads(name: str) -> None:
    from ioc_finder import ioc_finder

    from app.engine.ioc_parse import Found, parse_domains

    text = (FIXTURES / name).read_text(encoding="utf-8")
    found = Found()
    parse_domains(text, found)
    assert {value for _kind, value in found.spans} == set(ioc_finder.parse_domain_names(text))
    for (_kind, value), spans in found.spans.items():
        assert all(text[start:end].lower() == value for start, end in spans)


def test_scan_indicators_reads_hashes_and_ids_only_where_they_stand_free() -> None:
    # Hashes, addresses and ids are looked for only in runs of ASCII letters and digits and
    # after a free "T"; a letter written just before them (even a non-ASCII one) still counts.
    text = (
        f"Seen — {MD5} and é{SHA1}, imphash: {SHA256}, (T1059.001) ÉT1003 T1047.0 T1105. "
        f"Paid to {BITCOIN}—ok"
    )
    scan = scan_indicators(text)
    assert [(i.type, i.value) for i in scan.indicators] == [
        (IndicatorType.md5, MD5),
        (IndicatorType.bitcoin, BITCOIN),
    ]
    assert [technique.id for technique in scan.techniques] == ["T1059.001", "T1105"]


@pytest.mark.parametrize(
    "text",
    [
        "fİle://x.com/a",
        "ſftp://x.com/ and fıle://y.com/b",
        "see hxxps://exa[.]com/İ and x.com/a?u=fİle://y",
        "see http://exİample.com/a?b=c or İuser@exa[.]com, gİt@x.İo, İrc://İ.com now",
    ],
)
def test_letters_that_fold_to_ascii_neither_crash_nor_shift_spans(text: str) -> None:
    # "İ", "ı" and "ſ" match "i" / "s" in a case-insensitive regex but do not lower-case to
    # them (and "İ" lower-cases to two characters): ioc-finder's caseless parsers used to
    # raise KeyError on them, and the located spans drifted. They read as any other letter
    # outside ASCII does.
    def seen(scan: IndicatorScan) -> list[tuple[IndicatorType, str, list[tuple[int, int]]]]:
        return [(i.type, i.value, [(e.start, e.end) for e in i.evidence]) for i in scan.indicators]

    as_e = text.translate(str.maketrans("İıſ", "ééé"))
    for scan in (scan_indicators, scan_indicators_exhaustive):
        assert seen(scan(text)) == seen(scan(as_e))
    found = scan_indicators(text)
    for indicator in found.indicators:
        for evidence in indicator.evidence:
            assert text[evidence.start : evidence.end] == evidence.quote


def test_a_url_after_a_dotted_capital_i_is_located_where_it_is_written() -> None:
    # The URL goes to ioc-finder (its fragment is not of the plain shape), which reports no
    # offsets; it is located in the lower-cased windows, where "İ" must keep its one place.
    text = "see exİample.com, then http://host.example.net/a#frag for more"
    found = _by_value(scan_indicators(text))
    url = found["http://host.example.net/a#frag"]
    assert (url.evidence[0].start, url.as_written) == (23, "http://host.example.net/a#frag")
    assert found["ample.com"].evidence[0].start == 7


@pytest.mark.parametrize(
    "text", [*DEFANG_SAMPLES, "HTTPS://Evil.COM:8443/A?B=C USER@Ex.ORG 010.001.2.3/08"]
)
def test_values_found_with_spans_are_canonical(text: str) -> None:
    # scan_indicators keys these values as they come, without canonical_value.
    from app.engine.ioc_filters import canonical_value
    from app.engine.ioc_locate import Locator
    from app.engine.ioc_parse import Found, parse_fanged, scan_plain
    from app.engine.ioc_windows import Windows

    text = f"{text} {MD5.upper()} cve-2021-44228 {BITCOIN}"
    found = Found()
    scan_plain(text, found)
    parse_fanged(Locator(Windows.whole(text)).fanged_text, found)
    assert found.spans
    for kind, value in found.spans:
        assert canonical_value(kind, value) == value
