"""A deterministic corpus of threat-report-like documents for the offline benchmarks.

Documents are generated from templates with a fixed random seed: prose with actors and
malware, plain and defanged indicators (every defang style the indicator pass handles),
hash tables, CVEs, ATT&CK ids, reference links, recommendation lists, meeting notes, and the
usual false-positive bait (file names, version numbers, tech names). The texts under
``seeds/`` and ``eval/docs/`` are included as they are.

Run ``python -m bench.corpus [--mb 5]`` to write the corpus to ``bench/out/corpus/``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out" / "corpus"
SEED = 20231212

ACTORS = [
    "Sandman",
    "APT41",
    "STORM-0866",
    "Red Dev 40",
    "Lazarus Group",
    "Turla",
    "APT29",
    "FIN7",
    "Scattered Spider",
    "Volt Typhoon",
    "Sandworm",
    "Kimsuky",
    "MuddyWater",
]
MALWARE = [
    "LuaDream",
    "KeyPlug",
    "ShadowPad",
    "PlugX",
    "Cobalt Strike",
    "Sliver",
    "QakBot",
    "IcedID",
    "Emotet",
    "AsyncRAT",
    "Mimikatz",
    "BlackCat",
    "LockBit",
]
VENDORS = ["SentinelOne", "Microsoft", "PwC", "Mandiant", "CrowdStrike", "ESET", "Kaspersky"]
SECTORS = [
    "telecom providers",
    "government agencies",
    "energy utilities",
    "banks",
    "universities",
    "hospitals",
    "defense contractors",
    "logistics firms",
]
REGIONS = ["the Middle East", "Europe", "South Asia", "East Asia", "North America", "Africa"]
SYLLABLES = [
    "up",
    "date",
    "secure",
    "cdn",
    "mail",
    "cloud",
    "sync",
    "micro",
    "soft",
    "net",
    "srv",
    "login",
    "portal",
    "office",
    "data",
    "node",
    "api",
    "tele",
    "com",
    "zen",
    "nova",
    "kappa",
    "orbit",
    "vault",
    "pixel",
    "ray",
    "flux",
    "mint",
    "apex",
]
TLDS = ["com", "net", "org", "info", "xyz", "top", "ru", "io", "biz", "online", "site", "cn"]
REFERENCES = [
    "https://attack.mitre.org/techniques/T1059/001/",
    "https://nvd.nist.gov/vuln/detail/CVE-2023-23397",
    "https://www.sentinelone.com/labs/sandman-apt/",
    "https://github.com/example/iocs/blob/main/report.csv",
    "https://www.cisa.gov/news-events/cybersecurity-advisories",
    "https://twitter.com/researcher/status/1700000000000000000",
]
TECHNIQUES = [
    "T1059",
    "T1059.001",
    "T1566.001",
    "T1071.001",
    "T1105",
    "T1027",
    "T1547.001",
    "T1003.001",
    "T1021.002",
    "T1190",
    "T1486",
    "T1078",
]
BAIT = [
    "report.pdf",
    "setup.py",
    "invoice.docx",
    "payload.exe",
    "loader.dll",
    "config.json",
    "script.js",
    "index.php",
    "Node.js",
    "ASP.NET",
    "e.g.",
    "i.e.",
    "version 10.0.19041.1",
    "v1.2.3.4",
    "build 6.1.7601.17514",
    "update.zip",
    "README.md",
    "install.sh",
]
DEFANGS = ["[.]", "(.)", "{.}", "[dot]", "(dot)", " [.] ", "[.]"]


def _domain(rng: random.Random) -> str:
    labels = ["".join(rng.sample(SYLLABLES, rng.randint(1, 3))) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.3:
        labels[0] += "-" + rng.choice(SYLLABLES)
    return ".".join(labels) + "." + rng.choice(TLDS)


def _ip(rng: random.Random) -> str:
    return ".".join(str(rng.randint(1, 254)) for _ in range(4))


def _hex(rng: random.Random, chars: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(chars))


def _bitcoin(rng: random.Random) -> str:
    payload = b"\x00" + rng.randbytes(20)
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number, out = int.from_bytes(raw, "big"), ""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    while number:
        number, digit = divmod(number, 58)
        out = alphabet[digit] + out
    return "1" + out


def _defang(rng: random.Random, value: str) -> str:
    if rng.random() < 0.4:
        return value
    style = rng.choice(DEFANGS)
    if "@" in value and rng.random() < 0.5:
        value = value.replace("@", rng.choice(["[at]", "(at)", "[@]"]))
    head, dot, tail = value.rpartition(".")
    value = f"{head}{style}{tail}" if dot else value
    return value.replace("http", rng.choice(["hxxp", "hXXp"]), 1).replace(
        "://", rng.choice(["://", "[://]", "[:]//"]), 1
    )


def _url(rng: random.Random, host: str) -> str:
    path = "/".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
    ext = rng.choice(["", ".php", ".exe", "?id=" + str(rng.randint(1, 9999))])
    return f"{rng.choice(['http', 'https'])}://{host}/{path}{ext}"


def _prose(rng: random.Random) -> str:
    actor, malware, vendor = rng.choice(ACTORS), rng.choice(MALWARE), rng.choice(VENDORS)
    sentences = [
        f"{vendor} attributes the campaign to {actor}, which deployed {malware} against "
        f"{rng.choice(SECTORS)} in {rng.choice(REGIONS)}.",
        f"The {malware} loader, delivered as {rng.choice(BAIT)}, beacons every "
        f"{rng.randint(2, 90)} minutes and was built with {rng.choice(BAIT)}.",
        f"Overlaps in infrastructure (e.g. shared certificates) link {actor} to "
        f"{rng.choice(ACTORS)}; the operators use {rng.choice(TECHNIQUES)} and "
        f"{rng.choice(TECHNIQUES)}.",
        f"Analysts observed lateral movement at 10:32 on 2023-09-{rng.randint(10, 28)}, "
        f"roughly {rng.randint(2, 40)}.{rng.randint(0, 9)}% of hosts were affected.",
        f"The backdoor is written in Lua and runs on Windows {rng.choice(['10', '11'])}, "
        f"{rng.choice(BAIT)} included, according to {vendor} and {rng.choice(VENDORS)}.",
    ]
    return " ".join(rng.sample(sentences, rng.randint(2, len(sentences))))


def _ioc_sentence(rng: random.Random) -> str:
    host = _domain(rng)
    choices = [
        f"The implant contacted {_defang(rng, host)} over HTTPS.",
        f"A second stage was fetched from {_defang(rng, _url(rng, host))}.",
        f"C2 traffic went to {_defang(rng, _ip(rng))} and {_ip(rng)} on port 443.",
        f"Phishing mails came from {_defang(rng, 'admin@' + host)}.",
        f"The dropper has SHA-256 {_hex(rng, 64)} and MD5 {_hex(rng, 32).upper()}.",
        f"Exploitation of CVE-{rng.randint(2017, 2024)}-{rng.randint(1000, 49999)} was seen.",
        f"Ransom was paid to {_bitcoin(rng)}.",
        f"Scanning came from {_ip(rng)}/{rng.choice([16, 24, 28])} and 2001:db8:{_hex(rng, 4)}::1.",
        f"See {rng.choice(REFERENCES)} for details.",
    ]
    return rng.choice(choices)


def _ioc_table(rng: random.Random) -> str:
    rows = ["Indicators of compromise:", "", "Type | Value"]
    for _ in range(rng.randint(4, 25)):
        kind = rng.choice(["domain", "ip", "sha1", "sha256", "url", "md5"])
        value = {
            "domain": lambda: _defang(rng, _domain(rng)),
            "ip": lambda: _defang(rng, _ip(rng)),
            "sha1": lambda: _hex(rng, 40),
            "sha256": lambda: _hex(rng, 64),
            "md5": lambda: _hex(rng, 32),
            "url": lambda: _defang(rng, _url(rng, _domain(rng))),
        }[kind]()
        rows.append(f"{kind} | {value}")
    return "\n".join(rows)


def _recommendations(rng: random.Random) -> str:
    items = [
        "Block the listed domains and IP addresses at the perimeter.",
        "Patch internet-facing Exchange and VPN appliances without delay.",
        "Hunt for PowerShell launched by Office processes (T1059.001).",
        "Review digital certificates and reverse proxy infrastructure.",
        "Share indicators with sector ISAC partners.",
        "Enforce phishing-resistant MFA for administrators.",
    ]
    chosen = rng.sample(items, rng.randint(2, len(items)))
    return "Recommendations:\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(chosen, 1))


def _meeting_notes(rng: random.Random) -> str:
    lines = [
        f"Meeting notes - threat intel sync, 2023-10-{rng.randint(10, 28)}",
        f"Attendees: {', '.join(rng.sample(['Ana', 'Bo', 'Chen', 'Dana', 'Eli'], 3))}",
    ]
    for _ in range(rng.randint(3, 12)):
        lines.append(f"- {rng.choice(['Ana', 'Bo', 'Chen'])}: {_prose(rng)}")
        if rng.random() < 0.5:
            lines.append(
                f"- Action: {rng.choice(['Ana', 'Bo'])} to block {_defang(rng, _domain(rng))}"
                f" by Friday."
            )
    return "\n".join(lines)


def make_document(rng: random.Random) -> str:
    """Build one report-like document of roughly 2-30 KB."""
    target = rng.randint(2_000, 30_000)
    parts = [f"{rng.choice(ACTORS)} targets {rng.choice(SECTORS)} with {rng.choice(MALWARE)}"]
    while sum(len(p) for p in parts) < target:
        roll = rng.random()
        if roll < 0.45:
            parts.append(_prose(rng))
        elif roll < 0.75:
            parts.append(" ".join(_ioc_sentence(rng) for _ in range(rng.randint(1, 4))))
        elif roll < 0.85:
            parts.append(_ioc_table(rng))
        elif roll < 0.93:
            parts.append(_meeting_notes(rng))
        else:
            parts.append(_recommendations(rng))
    return "\n\n".join(parts)


def real_documents() -> list[str]:
    """The texts under seeds/ and eval/docs/ (if present)."""
    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "eval" / "docs").glob("**/*"))
    return [
        p.read_text(encoding="utf-8") for p in paths if p.is_file() and p.suffix in (".txt", ".md")
    ]


def build_corpus(megabytes: float = 5.0, seed: int = SEED) -> list[str]:
    """Generate at least ``megabytes`` MB of documents, deterministically."""
    rng = random.Random(seed)
    docs = real_documents()
    total = sum(len(d.encode()) for d in docs)
    while total < megabytes * 1_000_000:
        doc = make_document(rng)
        docs.append(doc)
        total += len(doc.encode())
    return docs


def write_corpus(docs: list[str], out_dir: Path = OUT_DIR) -> None:
    """Write each document to ``out_dir`` as ``doc-NNNNN.txt``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for i, doc in enumerate(docs):
        (out_dir / f"doc-{i:05d}.txt").write_text(doc, encoding="utf-8")


def main() -> None:
    """Command line: write the corpus to bench/out/corpus/."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=5.0)
    args = parser.parse_args()
    docs = build_corpus(args.mb)
    write_corpus(docs)
    print(f"wrote {len(docs)} documents, {sum(len(d) for d in docs) / 1e6:.1f} MB to {OUT_DIR}")


if __name__ == "__main__":
    main()
