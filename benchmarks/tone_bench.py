"""Tone benchmark: texts scored per second by the default scorer, alone and inside an import.

Generates N interaction notes in English and French (60/40) from varied
templates (openings, 2-3 sentences drawn from 26 per language, product
areas, names, counts, negation and intensity), a fifth of them drawn from a
small set of stock replies ("Thanks, see you next week") as real notes
repeat. Then, in this process:
  1. unique-text throughput: `ToneScorer.score` on texts that are all
     distinct, so de-duplication saves nothing; also each stage alone
     (language detection, VADER serial and over the process pool, intents);
  2. end-to-end import: `import_files` of the N notes into `interactions`
     against the same file without its notes column (the baseline), so the
     difference is what text costs at import; texts/s = N / import seconds.
The machine is shared, so each timing is the fastest of `--repeat` runs.

    python benchmarks/tone_bench.py [--rows 100000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from vigie.io import ImportMode, import_files
from vigie.tone import lexicon
from vigie.tone.intents import load_intents
from vigie.tone.language import detect_languages
from vigie.tone.scoring import ToneScorer
from vigie.workspace import Workspace

AREAS = [
    "reporting",
    "SSO",
    "API",
    "export",
    "alerts",
    "mobile app",
    "billing",
    "search",
    "integration",
    "dashboard",
    "permissions",
    "onboarding",
]
NAMES = ["Alice", "Marc", "Julie", "Tom", "Sophie", "Nina", "Karim", "Léa", "Omar", "Chloé"]
EN = {
    "open": ["Hi team,", "Hello,", "Quick note:", "Following up on our call:", "FYI:", "", ""],
    "body": [
        "the {a} is {adj} since {day}.",
        "we are {feel} with the new {a}.",
        "the {a} export does not work for {n} users.",
        "thanks for the help with {a}, it was {good}.",
        "we are not {feel} with support response times.",
        "our budget for next year is under review.",
        "we are evaluating other tools for {a}.",
        "the price is too high for {n} seats.",
        "can we schedule a QBR in {month}?",
        "very {feel} with the onboarding of {name}.",
        "{name} left the company last {day}.",
        "the {a} keeps failing and nobody answers our tickets.",
        "great job on the release, the team loves {a}.",
        "{name} asked for a demo of {a} for {n} people.",
        "we might cancel if the {a} is not fixed by {month}.",
        "usage of {a} doubled since {month}.",
        "honestly the {a} is a mess.",
        "{name} is really pleased with the {a} roadmap.",
        "no answer on ticket {n} for two weeks, this is unacceptable.",
        "renewal discussion planned with {name}.",
        "the new {a} saves us hours every week.",
        "not sure the {a} is worth it anymore.",
        "our CFO wants a cheaper alternative.",
        "we plan to migrate {n} users to the {a} next month.",
        "{name} from procurement will join the call.",
        "absolutely love how fast the {a} is now!",
    ],
    "adj": ["slow", "broken", "fast", "unusable", "much better", "a bit laggy", "down"],
    "good": ["great", "useful", "quick", "not enough", "helpful"],
    "feel": ["happy", "satisfied", "disappointed", "frustrated", "pleased", "unhappy"],
    "day": ["Monday", "Tuesday", "last week", "yesterday", "Friday"],
    "month": ["March", "April", "June", "September", "November"],
}
FR = {
    "open": ["Bonjour,", "Bonjour l'équipe,", "Suite à notre appel :", "Pour info :", "", ""],
    "body": [
        "le {a} est {adj} depuis {day}.",
        "nous sommes {feel} du nouveau module {a}.",
        "l'export {a} ne fonctionne pas pour {n} utilisateurs.",
        "merci pour l'aide sur {a}, c'était {good}.",
        "nous ne sommes pas du tout satisfaits des délais du support.",
        "notre budget de l'an prochain est en cours de révision.",
        "nous évaluons d'autres outils pour {a}.",
        "le prix est trop élevé pour {n} licences.",
        "pouvons-nous planifier une revue en {month} ?",
        "très {feel} de l'accompagnement de {name}.",
        "{name} a quitté l'entreprise {day}.",
        "le module {a} plante encore et personne ne répond à nos tickets.",
        "bravo pour la nouvelle version, l'équipe adore {a}.",
        "{name} demande une démo de {a} pour {n} personnes.",
        "nous pourrions résilier si le {a} n'est pas corrigé d'ici {month}.",
        "l'usage de {a} a doublé depuis {month}.",
        "franchement le {a} est une catastrophe.",
        "{name} est vraiment ravie de la feuille de route {a}.",
        "pas de réponse au ticket {n} depuis deux semaines, c'est inacceptable.",
        "discussion de renouvellement prévue avec {name}.",
        "le nouveau {a} nous fait gagner des heures.",
        "pas sûr que le {a} en vaille encore la peine.",
        "notre DAF veut une solution moins chère.",
        "nous allons migrer {n} utilisateurs vers le {a} le mois prochain.",
        "{name} des achats participera à l'appel.",
        "nous adorons la rapidité du {a} maintenant !",
    ],
    "adj": ["lent", "cassé", "rapide", "inutilisable", "bien meilleur", "en panne"],
    "good": ["génial", "utile", "rapide", "insuffisant", "précieux"],
    "feel": ["contents", "satisfaits", "déçus", "frustrés", "ravis", "mécontents"],
    "day": ["lundi", "mardi", "la semaine dernière", "hier", "vendredi"],
    "month": ["mars", "avril", "juin", "septembre", "novembre"],
}
STOCK = [
    "Thanks, see you next week.",
    "Merci, à la semaine prochaine.",
    "Call rescheduled.",
    "Appel décalé.",
    "Sent the invoice.",
    "Facture envoyée.",
    "No answer.",
    "Pas de réponse.",
]


def note(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(STOCK)
    words = EN if rng.random() < 0.6 else FR
    parts = [
        rng.choice(words["body"]).format(
            a=rng.choice(AREAS),
            adj=rng.choice(words["adj"]),
            good=rng.choice(words["good"]),
            feel=rng.choice(words["feel"]),
            day=rng.choice(words["day"]),
            month=rng.choice(words["month"]),
            name=rng.choice(NAMES),
            n=rng.randint(2, 900),
        )
        for _ in range(rng.randint(1, 3))
    ]
    text = " ".join(p[0].upper() + p[1:] for p in parts)
    return f"{rng.choice(words['open'])} {text}".strip()


def generate(folder: Path, rows: int) -> tuple[Path, Path, Path, list[str]]:
    rng = random.Random(7)
    notes = [note(rng) for _ in range(rows)]
    accounts = folder / "accounts.csv"
    with accounts.open("w", newline="") as handle:
        csv.writer(handle).writerows(
            [("account_id", "name")] + [(f"A{i}", f"Acme {i}") for i in range(1000)]
        )
    start = dt.datetime(2024, 1, 1)
    paths = []
    for name, with_notes in (("with_notes.csv", True), ("without_notes.csv", False)):
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(
                ["interaction_id", "account_id", "kind", "occurred_at"] + ["notes"] * with_notes
            )
            for i, text in enumerate(notes):
                when = (start + dt.timedelta(minutes=7 * i)).strftime("%Y-%m-%d %H:%M:%S")
                out.writerow([f"I{i}", f"A{i % 1000}", "email", when] + [text] * with_notes)
        paths.append(path)
    return accounts, paths[0], paths[1], notes


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the scoring pool's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def fastest(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """Best wall time and best CPU time of `repeat` runs (load only ever slows a run)."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), cpu_seconds()
        run()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, cpu_seconds() - cpu_started)
    return wall, cpu


def line(label: str, texts: int, timing: tuple[float, float]) -> None:
    wall, cpu = timing
    print(f"  {label:<36} {texts / wall:>9,.0f} texts/s  ({texts / cpu:>7,.0f} per CPU-second)")


def import_seconds(folder: Path, accounts: Path, file: Path, repeat: int) -> tuple[float, float]:
    """Best wall (`report.seconds`) and CPU time of `repeat` imports into fresh workspaces."""
    wall = cpu = float("inf")
    for i in range(repeat):
        ws = Workspace.init(folder / f"ws-{file.stem}-{i}")
        import_files(ws, "accounts", [accounts])
        cpu_started = cpu_seconds()
        report = import_files(ws, "interactions", [file], mode=ImportMode.REPLACE)
        wall, cpu = min(wall, report.seconds), min(cpu, cpu_seconds() - cpu_started)
        ws.close()
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vigie-tone-bench-"))
    accounts, with_notes, without_notes, notes = generate(folder, args.rows)
    unique = list(dict.fromkeys(notes))
    mean = sum(map(len, notes)) / len(notes)
    print(f"{args.rows:,} notes, {len(unique):,} distinct, mean {mean:.0f} characters")

    scorer = ToneScorer.for_workspace(None)
    scorer.score(unique[:200])  # load lexicons and language models outside the timings
    languages = detect_languages(unique)
    matcher = load_intents(None)
    print(f"Stages on the {len(unique):,} distinct texts (best of {args.repeat}):")
    line(
        "language detection (lingua)",
        len(unique),
        fastest(args.repeat, lambda: detect_languages(unique)),
    )
    line(
        "VADER EN/FR",
        len(unique),
        fastest(args.repeat, lambda: lexicon.vader_tones(unique, languages)),
    )
    line(
        "intent phrases (Arrow RE2)",
        len(unique),
        fastest(args.repeat, lambda: matcher.match(unique)),
    )
    for label, pool_min in (
        ("language + VADER, in process", 10**12),
        ("language + VADER, 2-process pool", 0),
    ):
        line(
            label,
            len(unique),
            fastest(args.repeat, lambda pool_min=pool_min: _default(unique, pool_min)),
        )
    print("Throughput:")
    line(
        "unique texts, all stages", len(unique), fastest(args.repeat, lambda: scorer.score(unique))
    )
    line(
        "all notes (repeats scored once)",
        len(notes),
        fastest(args.repeat, lambda: scorer.score(notes)),
    )

    plain = import_seconds(folder, accounts, without_notes, args.repeat)
    scored = import_seconds(folder, accounts, with_notes, args.repeat)
    print("Import into interactions (best of --repeat, fresh workspace each):")
    print(f"  without notes (baseline)  {plain[0]:>7.2f} s  (CPU {plain[1]:.2f} s)")
    print(
        f"  with notes, scored        {scored[0]:>7.2f} s  (CPU {scored[1]:.2f} s, "
        f"{scored[0] / plain[0]:.1f}x baseline)"
    )
    line("end-to-end import", args.rows, scored)


def _default(texts: list[str], pool_min: int) -> None:
    saved, lexicon.POOL_MIN_TEXTS = lexicon.POOL_MIN_TEXTS, pool_min
    try:
        lexicon.default_scores(texts)
    finally:
        lexicon.POOL_MIN_TEXTS = saved


if __name__ == "__main__":
    main()
