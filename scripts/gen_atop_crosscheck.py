"""Write docs/posture-atop-crosscheck.md: where the knowledge base's mutual-defence criterion and ATOP disagree.

Run: .venv/bin/python scripts/gen_atop_crosscheck.py [DATA_DIR]   (default ../shared/data/peacesciencer)

Imports the COW state list and ATOP (peacesciencer's files) into a temporary data store, builds the
state-year posture panel and lists every state-year both decide and on which they differ
(allegiance.panel.atop.crosscheck). Needs the real files; the logic is tested on fixtures (tests/panel).
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from allegiance.facts.store import open_store  # noqa: E402
from allegiance.measure.data import codes  # noqa: E402
from allegiance.measure.data.importer import import_dataset  # noqa: E402
from allegiance.measure.data.store import open_data  # noqa: E402
from allegiance.panel import build_panel  # noqa: E402
from allegiance.panel.atop import crosscheck  # noqa: E402


def _iso(ccode: int, year: int) -> str:
    try:
        return codes.cow_to_iso3(ccode, date(year, 12, 31)) or str(ccode)
    except Exception:  # a code the crosswalk does not know
        return str(ccode)


# The reading of the Americas, Asia and Europe rows: which record each rests on, and why the ones left stay.
_AMERICAS_ASIA_EUROPE = [
    "**The Americas.** The knowledge base records the Rio Treaty's parties (`kb/rio-treaty.yaml`), the Bahamas "
    "from its signature of 8 November 1982 (the OAS depositary's table), Cuba as a party from 1947 whose status is "
    "`unknown` from 22 January 1962 (excluded from the inter-American system; the depositary records no "
    "denunciation, while Gibler's alliance record ends its membership then), and Venezuela's contested return of "
    "2019 (the National Assembly's act, which the government denies) as an event, not as party status. Cuba's "
    "ATOP partner, North Korea, rests on their 1986 treaty (`kb/cuba-dprk.yaml`). The rows left in the Americas "
    "are the Caribbean and other OAS members that never joined the Rio Treaty (Jamaica, Barbados, Dominica, "
    "Grenada, St. Lucia, St. Vincent, Antigua and Barbuda, St. Kitts and Nevis, Suriname, Belize, Guyana) and "
    "Mexico after its denunciation took effect in 2004. Their ATOP partners are the OAS's members, not the Rio "
    "Treaty's parties (Mexico keeps them after 2004; Belize and Guyana have them from 1991): by our reading of the "
    "partner lists ATOP codes the OAS Charter here, whose Article 3 reads \"An act of aggression against one "
    "American State is an act of aggression against all the other American States\" "
    "([oas.org](https://www.oas.org/en/about/principles.asp)). The knowledge base does not record the Charter "
    "as a `mutual-defence` obligation: it states a principle of solidarity, and the Charter's own articles on "
    "collective security (Articles 28 and 29, whose wording was not retrieved for this reading) are not quoted; "
    "the obligation to assist an attacked state is the Rio Treaty's (Article 3(1)). So these states stay "
    "`not-met`, a reading the knowledge base makes explicitly, not a gap.",
    "",
    "**Asia.** Recorded since this table was first drawn: the China-DPRK treaty of 1961 (`kb/china-dprk.yaml`), the "
    "USSR-DPRK treaty of 1961 (`kb/ussr-dprk.yaml`; its end after the USSR is disputed, so Russia 1992-1993 is "
    "`unknown` and not compared), the US-Philippines Mutual Defense Treaty (`kb/us-philippines.yaml`) and the "
    "Manila Pact read as an individual US-Thai obligation since the Thanat-Rusk statement of 1962 "
    "(`kb/us-thailand.yaml`). Left: Turkmenistan 1992-2002, where the knowledge base records Russia's guarantee of "
    "Turkmenistan's security (Treaty on Joint Measures, July 1992) as a one-sided `security-guarantee`, which "
    "binds Russia, not Turkmenistan, so the `mutual-defence` criterion does not count it "
    "(`kb/russia-turkmenistan.yaml`); Mongolia 1990-1993, whose partner rests on the Soviet-Mongolian treaty "
    "of 15 January 1966, whose defence clause the knowledge base could not quote (a contemporary report says its "
    "provisions were not published; a copy of the Russian text was found, but not the words of its clause), so "
    "it is not recorded; and the Central Asian CST members in 1992-1993 (below).",
    "",
    "**Europe.** The Finnish-Soviet treaty of 1948 is recorded (`kb/finland-ussr.yaml`) as `mutual-assistance`, not "
    "`mutual-defence`: its Article 1 binds Finland to defend its own territory against an attack by Germany or its "
    "allies, with Soviet help subject to mutual agreement, and its preamble records Finland's wish to stay outside "
    "the Great Powers' conflicts; so Finland 1990-1992 stays `not-met` by that reading. The CIS Collective Security "
    "Treaty binds its parties in the knowledge base from its entry into force on 20 April 1994, not from the "
    "signature of 15 May 1992 from which ATOP codes it: a signatory is not yet bound by the treaty, so Armenia, "
    "Kazakhstan, Kyrgyzstan, Tajikistan and Uzbekistan 1992-1993, and Belarus, Georgia and Azerbaijan 1993, "
    "disagree by that dating (the North Atlantic Treaty, the Warsaw Treaty and the Rio Treaty are dated from "
    "signature in the knowledge base because their entry into force is not sourced there). The same holds for the "
    "NATO accession years in which ATOP codes the accession protocol's signature (Poland 1997-1998; Bulgaria, "
    "Romania, Slovenia and the Baltic states 2003; Albania 2008; Montenegro 2016). The Soviet Union's row for "
    "1991 disagrees by construction: the panel's 1991 row is read on 31 December, after the USSR ceased to exist "
    "(26 December). Azerbaijan is bound to Turkey from their 2010 Agreement on Strategic Partnership and Mutual "
    "Assistance (`kb/azerbaijan-turkey.yaml`); its ATOP partners of 1999-2009, and Georgia's and Uzbekistan's, "
    "are CIS states after they left the CST, which no record here covers. After the Warsaw Pact, ATOP gives "
    "Poland, Hungary, Czechoslovakia, Bulgaria and Romania each other and the USSR as partners (1991-1993, Hungary "
    "to 1998, Romania to 1996): by our reading these are the bilateral treaties of friendship, cooperation and "
    "mutual assistance the five signed with each other and the USSR in 1965-1972. Recorded is the Polish-Czechoslovak treaty of 1 March 1967 (`kb/poland-czechoslovakia-1967.yaml`), "
    "whose clause (\"In the event of an armed attack on one of the parties by another state or group of states, "
    "the other party will immediately render military aid and any other form of assistance\") and 20-year term "
    "are quoted from the Great Soviet Encyclopedia ([a copy](https://encyclopedia2.thefreedictionary.com/"
    "Polish-Czechoslovak+Treaty+of+1967+on+Friendship%2C+Cooperation%2C+and)); whether it was extended after 1987 is not in the sources "
    "read. Recorded too is the Bulgarian-Czechoslovak treaty of 26 April 1968 (`kb/bulgaria-czechoslovakia-1968.yaml`), "
    "which Gibler's alliance record codes as a defence pact (\"mutual defense in case of attack\") ending on 10 "
    "November 1989 with Bulgaria's communist government; its legal end is not in the sources read. Both can have "
    "bound no one after Czechoslovakia ceased to exist (31 December 1992), so Poland, Bulgaria and Czechoslovakia "
    "are `unknown` (not compared) in 1991-1992 and the rows of Poland and Bulgaria are left with 1993. The others "
    "are not recorded: no clause or term of theirs was quoted in the sources read; Gibler's alliance record also "
    "ends the Polish-Romanian alliance with the two communist governments in 1989 (\"In force "
    "until August 7, 1989\", [Gibler, International Military Alliances, 1648-2008, a copy]"
    "(https://issuhub.com/view/index?id=23326&pageIndex=453)), where ATOP continues them. Not read here either: the rows of the Czech Republic "
    "and Slovakia (1993-2003, with Romania and Russia) and of Croatia (1992-2008, with Bosnia and Herzegovina): "
    "ATOP's alliance records name the treaties. "
    "Post-2018 treaties are outside ATOP's "
    "years: the Russia-DPRK treaty (in force 4 December 2024), the Azerbaijan-Turkey Shusha Declaration (2021), the "
    "Franco-Polish Treaty of Nancy (2025) and the British-German Kensington Treaty (2025), all recorded as "
    "`mutual-defence`.",
    "",
]


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "peacesciencer"
    with tempfile.TemporaryDirectory() as tmp:
        data = open_data(Path(tmp) / "data.duckdb", read_only=False)
        import_dataset(data, "cow_states", src / "cow_states.csv")
        import_dataset(data, "atop_alliance", src / "atop_alliance.csv.gz")
        store = open_store()
        p = build_panel(store, data, unit="state-year", end=date(2018, 12, 31))
        rows = crosscheck(p.frame)
        data.close()
    kb, sysinfo, atop = p.sources["knowledge_base"], p.sources["system"], p.sources["atop"]
    kinds = Counter((r["kb"], r["atop"]) for r in rows)
    years = sum(r["to"] - r["from"] + 1 for r in rows)
    out = ["# The knowledge base's mutual defence against ATOP", "",
           "<!-- generated by scripts/gen_atop_crosscheck.py from the real COW and ATOP files; do not edit -->", "",
           f"The state-year posture panel (`allegiance panel --unit state-year`), 1946-2018, every state of the COW "
           f"state list (v{sysinfo.get('version')}, {sysinfo['states']} states), compared year by year: the knowledge "
           f"base's `mutual-defence` criterion on the year's last day in the system (`c_mutual_defence`) against "
           f"ATOP's `atop_defense` (ATOP v5 as packaged by peacesciencer, file SHA-256 `{atop['sha256']}`). Only "
           "state-years both decide are compared: before 1990, and for states the knowledge base does not name, the "
           "criterion is `unknown` unless a record decides it (the knowledge base is kept complete from 1990), so "
           "most of the Cold War is not compared. Neither source is overruled: the panel gives both columns.", "",
           f"Knowledge base: allegiance {kb['version']}, checksum `{kb['sha256']}`.", "",
           f"**{len(rows)} runs of disagreement, {years} state-years**: "
           + "; ".join(f"knowledge base {k} and ATOP {a}: {n} runs" for (k, a), n in sorted(kinds.items())) + ".", "",
           "How to read them: the knowledge base's criterion reads only the mutual-defence treaties it records "
           "(the North Atlantic Treaty, the Collective Security Treaty, the Union State and the others in "
           "`kb/`) and says `not-met` when none binds the state (`closed_world`); ATOP codes every alliance with "
           "a defence obligation, bilateral or regional. The partner lists point to treaties the knowledge base "
           "does not record, or reads differently (the Americas, Asia and Europe are read below). The neutral and "
           "non-aligned EU members (Ireland, Austria, Finland, Sweden, Malta, Cyprus) have EU members as ATOP "
           "defence partners from 2007, the year the Treaty of Lisbon with its mutual-assistance clause "
           "(Article 42(7) TEU) was signed; the knowledge base records that clause as `mutual-assistance`, which "
           "its `mutual-defence` criterion does not count. A year in which an alliance ended (the Warsaw Pact, 1 "
           "July 1991) disagrees by construction: the panel's state-year takes the year's last day, ATOP codes "
           "the whole year. The other way round, New Zealand from 1987: after the United States suspended its ANZUS "
           "obligations to New Zealand (1986) the knowledge base keeps New Zealand bound with Australia, as its "
           "sources say the alliance between them was maintained; ATOP gives New Zealand no defence partner. "
           "These readings are ours, from the partner lists; "
           "ATOP's own alliance records say which treaty each dyad rests on. The partners are ATOP's, as ISO "
           "codes.", "",
           "Africa and the Middle East (`kb/arab-league-defence.yaml`, `ecowas-defence.yaml`, `sadc-defence.yaml`, "
           "`france-africa-defence.yaml`, `kenya-ethiopia-defence.yaml`, `au-common-defence.yaml`): the Arab "
           "League's members admitted after 1950 are parties to its Treaty of Joint Defence, but no source read "
           "dates their accession, so their criterion is `unknown` and they are not compared; the seven that "
           "approved it in 1950 are `met`. The African Union Non-Aggression and Common Defence Pact (in force 18 "
           "December 2009) binds the seventeen states that Angola's foreign minister named on 21 April 2016 as "
           "having ratified it (Algeria, Burkina Faso, Chad, the Republic of the Congo, Gabon, The Gambia, Ghana, "
           "Guinea, Guinea-Bissau, Libya, Mali, Mauritania, Mozambique, Niger, Rwanda, Senegal, Togo); the AU's "
           "status list with each deposit's date was not in the sources read, so each tie starts somewhere between "
           "the entry into force and that day, and those states are `unknown` (not compared) in 2009-2015 and "
           "`met` from 2016; by our reading ATOP codes this pact too: Mali's ATOP partners from 2007 are the "
           "states of that list but Mauritania, with Benin and Ethiopia, which the minister did not name. Signatories that have not ratified are not "
           "recorded, and later ratifications are not in the sources read; the pact's own mutual assistance clause "
           "(Article 4) was not retrieved, and its principle that an aggression against one Member State is one "
           "against all (Article 2) is quoted from a third-party copy. What remains: the ECCAS states from 2000 "
           "(Chad, the Congo and Rwanda only to 2008, being AU pact parties; their ATOP partners match ECCAS's mutual assistance pact of February 2000, adopted with the COPAX "
           "protocol; searched again in French, the sources read give no text of its assistance clause, only a "
           "thesis's paraphrase of its Article 6 on when COPAX acts, and no list of parties, so it is not "
           "recorded); Guinea-Bissau 1990-2008 (it did not sign the ECOWAS defence protocol in 1981, nor did Cape "
           "Verde and Mali; a later accession is not sourced); Mali 1990-2000 (partners matching ANAD, the CEAO "
           "states' defence agreement of 1977, not recorded) and 2007-2008; "
           "Angola (it had not signed the SADC Mutual Defence Pact by 2004) and, 1999-2001, its partners the DRC, "
            "Namibia and Zimbabwe; Gabon from 2014 (the partnership treaty without an assistance clause that replaced "
            "its 1960 defence agreement with France entered into force on 1 June 2014; ATOP keeps France as its "
            "partner; Gabon is then `unknown` to 2015, its AU pact ratification being undated, and `met` from 2016 "
            "through the AU pact, so it does not disagree; the Central African Republic's 1960 agreement is unknown from 2010, as the day its "
            "partnership agreement entered into force is not sourced, so it is not compared); the Comoros 1990-1992 (its "
           "1978 agreement with France only lets the two assist each other: recorded as consultation). The other way "
           "round, Egypt 1986-1988: the knowledge base keeps Egypt a party to the 1950 treaty while it was suspended "
           "from the Arab League (1979-1989), as no source read says the suspension reached the treaty; ATOP gives "
           "Egypt no defence partner in those years.", "",
           *_AMERICAS_ASIA_EUROPE,
           "| state | COW | years | knowledge base | ATOP | ATOP's defence partners |", "|---|---|---|---|---|---|"]
    for r in rows:
        allies = " ".join(_iso(int(a), r["from"]) for a in r["atop_allies"].split()) if r["atop_allies"] else ""
        span = str(r["from"]) if r["from"] == r["to"] else f"{r['from']}-{r['to']}"
        out.append(f"| {r['name']} ({r['iso3']}) | {r['ccode']} | {span} | {r['kb']} | {r['atop']} | {allies} |")
    (ROOT / "docs" / "posture-atop-crosscheck.md").write_text("\n".join(out) + "\n")
    print(f"docs/posture-atop-crosscheck.md: {len(rows)} runs, {years} state-years")


if __name__ == "__main__":
    main()
