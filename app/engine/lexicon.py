"""Curated word tables for actor extraction: vendors, agencies, places, sectors, stop words.

One table per concept; every value is the canonical name that ends up in the brief. The
gazetteer compiles these together with the ATT&CK and MISP names into one automaton.
"""

from __future__ import annotations

import json
from pathlib import Path


def _words(text: str, sep: str | None = None) -> frozenset[str]:
    return frozenset(word.strip() for word in text.split(sep) if word.strip())


SECURITY_VENDORS: dict[str, tuple[str, ...]] = {
    "SentinelOne": ("SentinelOne", "SentinelLabs", "SentinelOne Labs"),
    "Microsoft": ("Microsoft", "Microsoft Threat Intelligence", "MSTIC"),
    "PwC": ("PwC", "PricewaterhouseCoopers"),
    "Mandiant": ("Mandiant", "FireEye"),
    "CrowdStrike": ("CrowdStrike",),
    "Kaspersky": ("Kaspersky", "Kaspersky Lab", "Kaspersky GReAT", "Securelist"),
    "ESET": ("ESET", "WeLiveSecurity"),
    "Recorded Future": ("Recorded Future", "Insikt Group"),
    "Palo Alto Networks Unit 42": ("Palo Alto Networks", "Unit 42", "Unit42"),
    "Cisco Talos": ("Cisco Talos", "Talos"),
    "Proofpoint": ("Proofpoint",),
    "Check Point": ("Check Point", "Check Point Research"),
    "Trend Micro": ("Trend Micro", "TrendMicro"),
    "Symantec": ("Symantec", "Broadcom Symantec", "Symantec Threat Hunter Team"),
    "Sophos": ("Sophos", "Sophos X-Ops"),
    "Google Threat Analysis Group": (
        "Google Threat Analysis Group",
        "Google TAG",
        "Threat Analysis Group",
    ),
    "Google Threat Intelligence": ("Google Threat Intelligence", "GTIG"),
    "Secureworks": ("Secureworks", "SecureWorks"),
    "Volexity": ("Volexity",),
    "Trellix": ("Trellix",),
    "McAfee": ("McAfee",),
    "Fortinet": ("Fortinet", "FortiGuard Labs"),
    "Zscaler": ("Zscaler", "ThreatLabz"),
    "Bitdefender": ("Bitdefender",),
    "Group-IB": ("Group-IB",),
    "Positive Technologies": ("Positive Technologies",),
    "Elastic Security Labs": ("Elastic Security Labs",),
    "Huntress": ("Huntress",),
    "Rapid7": ("Rapid7",),
    "Tenable": ("Tenable",),
    "Qualys": ("Qualys",),
    "Avast": ("Avast",),
    "Malwarebytes": ("Malwarebytes",),
    "Cybereason": ("Cybereason",),
    "Dragos": ("Dragos",),
    "Claroty": ("Claroty",),
    "Citizen Lab": ("Citizen Lab",),
    "Intezer": ("Intezer",),
    "Red Canary": ("Red Canary",),
    "Arctic Wolf": ("Arctic Wolf",),
    "Netskope": ("Netskope",),
    "Akamai": ("Akamai",),
    "Cloudflare": ("Cloudflare",),
    "Team Cymru": ("Team Cymru",),
    "Lumen Black Lotus Labs": ("Black Lotus Labs",),
    "Cyble": ("Cyble",),
    "NSFOCUS": ("NSFOCUS",),
    "Qihoo 360": ("Qihoo 360",),
    "QiAnXin": ("QiAnXin", "Qi-Anxin"),
    "Dr.Web": ("Dr.Web", "Doctor Web"),
    "WithSecure": ("WithSecure", "F-Secure"),
    "NCC Group": ("NCC Group", "Fox-IT"),
    "Darktrace": ("Darktrace",),
    "Deep Instinct": ("Deep Instinct",),
    "ReversingLabs": ("ReversingLabs",),
    "Morphisec": ("Morphisec",),
    "Seqrite": ("Seqrite", "Quick Heal"),
    "AhnLab": ("AhnLab", "ASEC"),
    "Kroll": ("Kroll",),
    "Blackberry": ("BlackBerry", "BlackBerry Threat Research"),
    "Cofense": ("Cofense",),
    "Binary Defense": ("Binary Defense",),
    "Sekoia": ("Sekoia", "SEKOIA"),
    "Yoroi": ("Yoroi",),
    "Trustwave": ("Trustwave", "SpiderLabs"),
    "DomainTools": ("DomainTools",),
    "Silent Push": ("Silent Push",),
    "Hunt.io": ("Hunt.io",),
    "Censys": ("Censys",),
    "Shadowserver": ("Shadowserver", "The Shadowserver Foundation"),
    "Abnormal Security": ("Abnormal Security",),
    "Jamf": ("Jamf", "Jamf Threat Labs"),
    "Nozomi Networks": ("Nozomi Networks",),
    "Cado Security": ("Cado Security",),
    "Aqua Security": ("Aqua Security", "Aqua Nautilus"),
    "Wiz": ("Wiz Research",),
    "Datadog Security Labs": ("Datadog Security Labs",),
    "Uptycs": ("Uptycs",),
    "eSentire": ("eSentire",),
    "Blackpoint": ("Blackpoint Cyber",),
    "Cyfirma": ("CYFIRMA", "Cyfirma"),
    "Hexacorn": ("Hexacorn",),
    "Splunk": ("Splunk", "SURGe"),
    "Any.Run": ("ANY.RUN",),
}

# Words right after "Microsoft" / "Google" that make the mention a product, not a reporter.
PRODUCT_WORDS = _words(
    """
    Office Exchange Windows Word Excel Outlook Teams SharePoint Azure 365 Edge Store SQL IIS
    Defender OneDrive Graph Entra Visual .NET Internet Access PowerPoint Authenticode Intune
    Active Dynamics Server Management Remote Installer Publisher Power Support Update Patch
    Sentinel Cloud Drive Docs Chrome Play Workspace Sheets Forms Ads Maps Search Firebase
    Networks Firewall Firewalls
    """
)

GOVERNMENT_BODIES: dict[str, tuple[str, ...]] = {
    "CISA": ("CISA", "Cybersecurity and Infrastructure Security Agency"),
    "NSA": ("NSA", "National Security Agency"),
    "FBI": ("FBI", "Federal Bureau of Investigation"),
    "NCSC": ("NCSC", "National Cyber Security Centre", "National Cyber Security Center"),
    "CERT-UA": ("CERT-UA",),
    "ACSC": ("ACSC", "Australian Cyber Security Centre"),
    "ASD": ("Australian Signals Directorate",),
    "BSI": ("BSI", "Federal Office for Information Security"),
    "ANSSI": ("ANSSI",),
    "Europol": ("Europol",),
    "Interpol": ("Interpol", "INTERPOL"),
    "US Department of Justice": ("Department of Justice", "DOJ", "DoJ"),
    "DHS": ("DHS", "Department of Homeland Security"),
    "US Cyber Command": ("US Cyber Command", "USCYBERCOM", "Cyber Command"),
    "GCHQ": ("GCHQ",),
    "CCCS": ("Canadian Centre for Cyber Security", "CCCS"),
    "JPCERT/CC": ("JPCERT/CC", "JPCERT"),
    "KISA": ("KISA",),
    "ENISA": ("ENISA",),
    "CERT-EU": ("CERT-EU",),
    "Singapore CSA": ("Cyber Security Agency of Singapore",),
    "NCSC-NZ": ("NCSC-NZ",),
    "MIVD": ("MIVD",),
    "AIVD": ("AIVD",),
}

# canonical country -> (names, adjectives / demonyms).
COUNTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "China": (("China", "PRC", "People's Republic of China"), ("Chinese",)),
    "Russia": (("Russia", "Russian Federation"), ("Russian",)),
    "North Korea": (("North Korea", "DPRK"), ("North Korean",)),
    "South Korea": (("South Korea", "Republic of Korea"), ("South Korean",)),
    "Iran": (("Iran",), ("Iranian",)),
    "United States": (("United States", "USA", "U.S.", "US"), ("American",)),
    "United Kingdom": (("United Kingdom", "UK", "U.K.", "Britain"), ("British",)),
    "Vietnam": (("Vietnam", "Viet Nam"), ("Vietnamese",)),
    "Pakistan": (("Pakistan",), ("Pakistani",)),
    "India": (("India",), ("Indian",)),
    "Israel": (("Israel",), ("Israeli",)),
    "Turkey": (("Turkey", "Türkiye"), ("Turkish",)),
    "Belarus": (("Belarus",), ("Belarusian",)),
    "Ukraine": (("Ukraine",), ("Ukrainian",)),
    "Lebanon": (("Lebanon",), ("Lebanese",)),
    "Syria": (("Syria",), ("Syrian",)),
    "Palestine": (("Palestine", "Gaza"), ("Palestinian",)),
    "Taiwan": (("Taiwan",), ("Taiwanese",)),
    "Japan": (("Japan",), ("Japanese",)),
    "Germany": (("Germany",), ("German",)),
    "France": (("France",), ("French",)),
    "Italy": (("Italy",), ("Italian",)),
    "Spain": (("Spain",), ("Spanish",)),
    "Netherlands": (("Netherlands", "the Netherlands"), ("Dutch",)),
    "Poland": (("Poland",), ("Polish",)),
    "Canada": (("Canada",), ("Canadian",)),
    "Australia": (("Australia",), ("Australian",)),
    "Brazil": (("Brazil",), ("Brazilian",)),
    "Mexico": (("Mexico",), ("Mexican",)),
    "Colombia": (("Colombia",), ("Colombian",)),
    "Argentina": (("Argentina",), ("Argentine", "Argentinian")),
    "Chile": (("Chile",), ("Chilean",)),
    "Saudi Arabia": (("Saudi Arabia",), ("Saudi",)),
    "United Arab Emirates": (("United Arab Emirates", "UAE"), ("Emirati",)),
    "Qatar": (("Qatar",), ("Qatari",)),
    "Kuwait": (("Kuwait",), ("Kuwaiti",)),
    "Egypt": (("Egypt",), ("Egyptian",)),
    "Iraq": (("Iraq",), ("Iraqi",)),
    "Jordan": (("Jordan",), ("Jordanian",)),
    "Afghanistan": (("Afghanistan",), ("Afghan",)),
    "Bangladesh": (("Bangladesh",), ("Bangladeshi",)),
    "Sri Lanka": (("Sri Lanka",), ("Sri Lankan",)),
    "Nepal": (("Nepal",), ("Nepalese",)),
    "Myanmar": (("Myanmar",), ()),
    "Thailand": (("Thailand",), ("Thai",)),
    "Malaysia": (("Malaysia",), ("Malaysian",)),
    "Indonesia": (("Indonesia",), ("Indonesian",)),
    "Philippines": (("Philippines", "the Philippines"), ("Filipino",)),
    "Singapore": (("Singapore",), ("Singaporean",)),
    "Cambodia": (("Cambodia",), ("Cambodian",)),
    "Laos": (("Laos",), ("Laotian",)),
    "Mongolia": (("Mongolia",), ("Mongolian",)),
    "Kazakhstan": (("Kazakhstan",), ("Kazakh",)),
    "Uzbekistan": (("Uzbekistan",), ("Uzbek",)),
    "Kyrgyzstan": (("Kyrgyzstan",), ()),
    "Tajikistan": (("Tajikistan",), ()),
    "Turkmenistan": (("Turkmenistan",), ()),
    "Azerbaijan": (("Azerbaijan",), ("Azerbaijani",)),
    "Armenia": (("Armenia",), ("Armenian",)),
    "Georgia": (("Georgia",), ("Georgian",)),
    "Moldova": (("Moldova",), ("Moldovan",)),
    "Romania": (("Romania",), ("Romanian",)),
    "Bulgaria": (("Bulgaria",), ("Bulgarian",)),
    "Serbia": (("Serbia",), ("Serbian",)),
    "Hungary": (("Hungary",), ("Hungarian",)),
    "Czech Republic": (("Czech Republic", "Czechia"), ("Czech",)),
    "Slovakia": (("Slovakia",), ("Slovak",)),
    "Austria": (("Austria",), ("Austrian",)),
    "Switzerland": (("Switzerland",), ("Swiss",)),
    "Belgium": (("Belgium",), ("Belgian",)),
    "Sweden": (("Sweden",), ("Swedish",)),
    "Norway": (("Norway",), ("Norwegian",)),
    "Denmark": (("Denmark",), ("Danish",)),
    "Finland": (("Finland",), ("Finnish",)),
    "Estonia": (("Estonia",), ("Estonian",)),
    "Latvia": (("Latvia",), ("Latvian",)),
    "Lithuania": (("Lithuania",), ("Lithuanian",)),
    "Greece": (("Greece",), ("Greek",)),
    "Portugal": (("Portugal",), ("Portuguese",)),
    "Ireland": (("Ireland",), ("Irish",)),
    "South Africa": (("South Africa",), ("South African",)),
    "Nigeria": (("Nigeria",), ("Nigerian",)),
    "Kenya": (("Kenya",), ("Kenyan",)),
    "Ethiopia": (("Ethiopia",), ("Ethiopian",)),
    "Morocco": (("Morocco",), ("Moroccan",)),
    "Algeria": (("Algeria",), ("Algerian",)),
    "Tunisia": (("Tunisia",), ("Tunisian",)),
    "Libya": (("Libya",), ("Libyan",)),
    "Yemen": (("Yemen",), ("Yemeni",)),
    "Oman": (("Oman",), ("Omani",)),
    "Bahrain": (("Bahrain",), ("Bahraini",)),
    "Cuba": (("Cuba",), ("Cuban",)),
    "Venezuela": (("Venezuela",), ("Venezuelan",)),
    "New Zealand": (("New Zealand",), ()),
    "Hong Kong": (("Hong Kong",), ()),
}

REGIONS: dict[str, tuple[str, ...]] = {
    "Middle East": ("Middle East", "Middle Eastern", "MENA"),
    "Europe": ("Europe", "European"),
    "Western Europe": ("Western Europe",),
    "Eastern Europe": ("Eastern Europe",),
    "Central Europe": ("Central Europe",),
    "Northern Europe": ("Northern Europe", "Nordics", "Nordic countries", "Scandinavia"),
    "Southern Europe": ("Southern Europe",),
    "Balkans": ("Balkans", "the Balkans"),
    "South Asia": ("South Asia", "Southern Asia", "South Asian"),
    "Southeast Asia": ("Southeast Asia", "South-East Asia", "South East Asia", "Southeast Asian"),
    "East Asia": ("East Asia", "Eastern Asia", "East Asian"),
    "Central Asia": ("Central Asia", "Central Asian"),
    "Asia": ("Asia",),
    "Asia-Pacific": ("Asia-Pacific", "Asia Pacific", "APAC"),
    "North America": ("North America", "North American"),
    "Latin America": ("Latin America", "LATAM", "Latin American"),
    "South America": ("South America",),
    "Central America": ("Central America",),
    "Africa": ("Africa", "African"),
    "Sub-Saharan Africa": ("Sub-Saharan Africa",),
    "North Africa": ("North Africa", "Northern Africa"),
    "Gulf": ("Persian Gulf", "Gulf region", "Gulf states"),
    "Caucasus": ("Caucasus", "South Caucasus"),
    "Oceania": ("Oceania",),
    "EMEA": ("EMEA",),
}

# canonical sector -> lowercase surface forms (matched case-insensitively).
SECTORS: dict[str, tuple[str, ...]] = {
    "telecommunications": (
        "telecom",
        "telecoms",
        "telecommunication",
        "telecommunications",
        "telco",
        "telcos",
        "mobile operators",
        "internet service providers",
        "isps",
        "communications providers",
    ),
    "government": (
        "government",
        "governments",
        "government agencies",
        "government entities",
        "government organizations",
        "ministries",
        "ministry",
        "public sector",
        "public administration",
    ),
    "diplomatic": ("diplomatic", "embassies", "embassy", "foreign affairs"),
    "healthcare": ("healthcare", "health care", "hospitals", "hospital", "medical"),
    "pharmaceuticals": ("pharmaceutical", "pharmaceuticals", "pharma", "biotech"),
    "finance": (
        "financial",
        "finance",
        "banks",
        "banking",
        "bank",
        "financial institutions",
        "fintech",
        "insurance",
        "investment firms",
    ),
    "energy": ("energy", "oil and gas", "utilities", "power grid", "electric utilities", "nuclear"),
    "defense": ("defense", "defence", "military", "defense contractors", "defense industrial base"),
    "aerospace": ("aerospace", "aviation", "airlines"),
    "education": ("education", "universities", "university", "academia", "academic", "schools"),
    "research": ("think tanks", "think tank", "research institutes", "research institutions"),
    "manufacturing": ("manufacturing", "manufacturers", "industrial"),
    "technology": (
        "technology companies",
        "tech companies",
        "it companies",
        "software companies",
        "it service providers",
        "managed service providers",
        "msps",
        "semiconductor",
    ),
    "retail": ("retail", "retailers", "e-commerce", "ecommerce"),
    "hospitality": ("hospitality", "hotels", "travel"),
    "transportation": (
        "transportation",
        "logistics",
        "shipping",
        "maritime",
        "railway",
        "airports",
    ),
    "media": ("media", "journalists", "news organizations", "broadcasters"),
    "legal": ("legal", "law firms"),
    "non-profit": ("ngos", "ngo", "non-profit", "nonprofit", "non-governmental organizations"),
    "critical infrastructure": ("critical infrastructure",),
    "cryptocurrency": ("cryptocurrency", "crypto exchanges", "blockchain"),
    "gaming": ("gaming", "video game", "online gambling", "casinos"),
    "construction": ("construction",),
    "agriculture": ("agriculture", "agricultural"),
    "chemical": ("chemical", "petrochemical"),
    "automotive": ("automotive",),
    "water": ("water utilities", "water treatment", "wastewater"),
    "law enforcement": ("law enforcement", "police"),
}

# Capitalised words that never name an actor on their own, even when a cue word follows
# ("Linux backdoor", "The malware", "Custom loader"); nationalities are added at build time.
GENERIC_NAMES = _words(
    """
    the this that these those its their our his her a an new custom novel modular sophisticated
    known unknown unnamed previously undocumented malicious first second third final initial
    additional advanced persistent threat actor actors group groups security cyber remote
    banking mobile web cloud windows linux macos mac android ios unix esxi python lua go golang
    rust java javascript powershell perl ruby php net delphi vba vbscript bash node nim c c++
    dotnet html excel word office pdf dll elf exe apk backdoor backdoors malware ransomware
    loader loaders implant implants rat trojan stealer dropper wiper botnet rootkit webshell
    spyware downloader keylogger worm tool tools framework apt state nation sponsored based a as
    in on of for and or with by lightweight multi stage staged open source commodity generic
    various several other such similar same another each every any some all both most many few
    microsoft google cisco apple amazon meta facebook cyberespionage espionage cybercrime
    cybercriminal cybercriminals hacker hackers hacking criminal criminals financially
    ransomware-as-a-service raas initial-access access broker research analysis investigation
    intelligence incident response operations operation campaign campaigns attack attacks report
    reports threats landscape update summary overview
    """
)

# Extra lowercase words treated as ordinary English (or tech vocabulary) for alias filtering.
EXTRA_COMMON_WORDS = _words(
    """
    agent remote shell trojan ransom update windows office chrome python lua android storm cloud
    phoenix hydra cobalt volt typhoon blizzard sandstorm sleet tempest tsunami hail panda bear
    kitten spider jackal tiger leopard chollima buffalo crane linux macos java golang rust perl
    ruby powershell bash telnet proxy tunnel socks loader dropper stealer wiper backdoor implant
    beacon payload stager downloader uploader keylogger sniffer scanner injector crypter packer
    miner worm rootkit bootkit admin server client service system network internet browser mail
    email gmail outlook explorer firefox safari edge teams zoom skype telegram whatsapp discord
    slack github google microsoft apple amazon facebook twitter youtube dropbox onedrive cmd
    ping netstat whoami tasklist ipconfig certutil bitsadmin regsvr rundll wmic unknown generic
    unnamed default demo test sample autoit jscript vbscript korean arabic persian farsi english
    mandarin cantonese hebrew urdu hindi autorun
    """
)

# Software that ATT&CK files as malware but readers know as (dual-use) tools.
TOOL_NAMES = _words(
    """
    Cobalt Strike|Sliver|Brute Ratel C4|Havoc|Metasploit|Empire|PowerShell Empire|PoshC2|
    Mythic|Covenant|Impacket|Mimikatz|PsExec|AdFind|BloodHound|SharpHound|Rclone|ngrok|
    AnyDesk|Atera|ScreenConnect|Rubeus|LaZagne|Koadic|Pupy|Nighthawk|Merlin
    """,
    sep="|",
)


DATA_FILE = Path(__file__).parent / "data" / "actor_names.json"


def _load_names() -> dict[str, dict[str, tuple[str, ...]]]:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {table: {k: tuple(v) for k, v in rows.items()} for table, rows in raw.items()}


_NAMES = _load_names()
# Companies and other organisations that act or are acted upon (victims, patching vendors).
ORGANIZATIONS: dict[str, tuple[str, ...]] = _NAMES["organizations"]
# Dual-use and offensive tools, with the forms they are written in (even lowercase: "ngrok").
TOOLS: dict[str, tuple[str, ...]] = _NAMES["tools"]
GOVERNMENT_BODIES.update(_NAMES["government"])
# Well-known names the shipped lists lack, as the press writes them.
GOVERNMENT_BODIES["CERT-PL"] = (*GOVERNMENT_BODIES["CERT-PL"], "CERT Polska")
TOOLS["Plink"] = (*TOOLS["Plink"], "PuTTY Link")
TOOL_NAMES = TOOL_NAMES | frozenset(TOOLS)


# Cue words compiled into the gazetteer automaton so rules need no regex scan of their own:
# tag -> (words, whether a word ending in a digit is only the prefix of a token: "apt4" opens
# "APT41"; the other words are whole, as a separator follows them: "APT-41", "STORM-0558").
def _tuple(text: str) -> tuple[str, ...]:
    return tuple(word.replace("_", " ") for word in text.split())


CUE_KEYS: dict[str, tuple[tuple[str, ...], bool]] = {
    "scheme": (
        (
            *(f"{p}{d}" for p in ("apt", "unc", "ta", "fin", "uat") for d in "0123456789"),
            *_tuple(
                "red_dev blue_dev black_dev white_dev yellow_dev orange_dev green_dev purple_dev "
                "apt storm dev tag uac uat cl temp bronze iron gold cobalt nickel tungsten "
                "aluminum platinum zinc copper carbon"
            ),
        ),
        True,
    ),
    "family": (
        _tuple(
            "typhoon blizzard sandstorm sleet tempest tsunami hail cyclone panda bear kitten "
            "chollima spider jackal buffalo tiger leopard ocelot crane lynx taurus ursa serpens "
            "libra scorpius pisces aquarius draco"
        ),
        False,
    ),
    "cue_name": (
        _tuple(
            "backdoor malware implant loader rat ransomware stealer infostealer dropper trojan "
            "wiper downloader rootkit botnet keylogger spyware webshell worm web_shell bootkit "
            "tool utility tunneler tunneller threat_actor threat_group hacking_group apt_group "
            "group actor cluster gang"
        ),
        False,
    ),
    "after_name": (
        _tuple(
            "backdoor malware implant loader rat ransomware stealer infostealer dropper trojan "
            "wiper downloader rootkit botnet keylogger spyware webshell worm web_shell bootkit "
            "tool apt threat_actor threat_group group gang actor actors cluster hackers "
            "operators crew team"
        ),
        False,
    ),
    "org_suffix": (
        _tuple(
            "inc ltd llc corp corporation gmbh plc software networks systems technologies "
            "entertainment resorts holdings enterprise airlines bank pharmaceuticals telecom "
            "industries healthcare"
        ),
        False,
    ),
    "descriptor": (
        _tuple(
            "provider company firm vendor supplier developer maker manufacturer retailer chain "
            "operator insurer bank hospital university business startup subsidiary contractor "
            "giant conglomerate exchange processor distributor publisher carrier utility "
            "which_sells which_makes which_develops which_owns which_maintains which_builds "
            "which_produces which_distributes"
        ),
        False,
    ),
    "isac": (("isac",), False),
    "firm": (_tuple("forensics labs threat_intelligence"), False),
    "agency": (
        _tuple(
            "agency service bureau directorate department ministry office board command "
            "commission corps police guard administration authority committee council centre "
            "center"
        ),
        False,
    ),
    "operation": (("operation",), False),
    "anaphor": (  # "this backdoor", "the group": where the link reader's anaphor may stand
        tuple(
            f"{determiner} {noun}"
            for determiner in ("this", "that", "the", "its")
            for noun in _tuple(
                "backdoor malware implant loader ransomware rat trojan stealer wiper dropper "
                "tool group threat_actor actor apt gang cluster adversary"
            )
        ),
        False,
    ),
    "same_as": (_tuple("tracks tracked track refers_to calls call"), False),
    "list": (
        _tuple(
            "malware tools utilities backdoors implants loaders stealers infostealers rats "
            "families strains"
        ),
        False,
    ),
    "victims": (_tuple("victims"), False),
    "proxy": (_tuple("proxy tunnel tunnels"), False),
    "byline": (_tuple("posted_by published_by written_by authored_by"), False),
    "intro": (
        _tuple(
            "threat_actor apt_actor apt_group threat_group hacking_group espionage_group "
            "cyberespionage_group ransomware_group ransomware_gang adversary"
        ),
        False,
    ),
}
