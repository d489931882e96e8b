"""The message catalogues: extract the English source, update every language, check them.

    python scripts/catalogues.py update   # extract the templates, update every .po file
    python scripts/catalogues.py check    # every translated entry keeps its placeholders
    python scripts/catalogues.py missing cy   # what Welsh has not translated yet

A new language: `python scripts/catalogues.py update --add xx` creates its .po files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.presentation import catalogue_files
from bot.presentation.languages import LOCALE_DIR


def main() -> int:
    """Run one command; 1 if a check found problems."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "check", "missing"))
    parser.add_argument("locale", nargs="?", help="for missing: the locale (cy, ar, en@easy)")
    parser.add_argument("--add", action="append", default=[], help="a new locale to create")
    args = parser.parse_args()
    if args.command == "update":
        locales = tuple(
            sorted({p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/*.po")})
        )
        catalogue_files.update(LOCALE_DIR, tuple(dict.fromkeys((*locales, *args.add))))
        return 0
    if args.command == "missing":
        gaps = catalogue_files.missing(LOCALE_DIR, args.locale or "cy")
        print("\n".join(gaps) or "nothing missing")
        print(f"{len(gaps)} message(s) to translate", file=sys.stderr)
        return 0
    problems = [str(p) for p in catalogue_files.check(LOCALE_DIR)]
    problems += [f"{m}: template out of date" for m in catalogue_files.templates_current()]
    print("\n".join(problems) or "catalogues fine")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
