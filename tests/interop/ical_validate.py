#!/usr/bin/python3
"""Parses exported .ics files with Debian's python3-icalendar (RFC 5545).

Usage: ical_validate.py RELAIS_BINARY HAND_WRITTEN.ics

1. The hand-written expected file (tests/interop/testdata/agenda.ics)
   parses, with the values written in it.
2. A replica made with `relais` (hostile patient name and room: ; , \\ newline
   quotes, emoji, a name long enough to fold) is exported with --avec-noms;
   the file parses, every physical line is <= 75 octets and ends with CRLF,
   and SUMMARY / LOCATION decode back to what was typed.
Exits 1 with a French message on any failure (never skips).
"""
import datetime
import os
import subprocess
import sys
import tempfile

try:
    import icalendar
except ImportError:
    print("ÉCHEC: python3-icalendar manquant (apt-get install python3-icalendar)",
          file=sys.stderr)
    sys.exit(1)

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)


def raw_lines_ok(data, label):
    check(data.endswith(b"\r\n"), f"{label}: ne finit pas par CRLF")
    for i, line in enumerate(data.split(b"\r\n")[:-1]):
        check(len(line) <= 75, f"{label}: ligne {i + 1} de {len(line)} octets > 75")
        check(b"\n" not in line and b"\r" not in line, f"{label}: ligne {i + 1}: LF/CR isolé")


def events(data):
    cal = icalendar.Calendar.from_ical(data)
    check(str(cal.get("VERSION")) == "2.0", "VERSION != 2.0")
    check(cal.get("PRODID") is not None, "PRODID manquant")
    return [c for c in cal.walk() if c.name == "VEVENT"]


def utc(y, mo, d, h, mi):
    return datetime.datetime(y, mo, d, h, mi, tzinfo=datetime.timezone.utc)


def main():
    relais, expected = sys.argv[1], sys.argv[2]
    with open(expected, "rb") as f:
        data = f.read()
    raw_lines_ok(data, "agenda.ics")
    ev = events(data)
    check(len(ev) == 2, f"agenda.ics: {len(ev)} événements au lieu de 2")
    if len(ev) == 2:
        check(ev[0].decoded("DTSTART") == utc(2026, 3, 23, 8, 0), "rdv-1 DTSTART")
        check(ev[0].decoded("DTEND") == utc(2026, 3, 23, 8, 30), "rdv-1 DTEND")
        check(str(ev[0]["LOCATION"]) == "Maison de santé du Parc, salle 2", "rdv-1 LOCATION")
        check(str(ev[1]["STATUS"]) == "CANCELLED", "rdv-2 STATUS")
        check(str(ev[1]["UID"]) == "rdv-2@relais-sante", "rdv-2 UID")

    name = 'Zoé; d\'Arc,\\ "X" 🔒 ' + "é" * 40
    room = "B;2,\\ étage"
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "s.db")
        out = os.path.join(tmp, "a.ics")

        def run(*args):
            r = subprocess.run([relais, *args], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"ÉCHEC: relais {' '.join(args)}: {r.stderr}", file=sys.stderr)
                sys.exit(1)

        run("init", "--db", db, "--site", "S1")
        run("practitioner", "add", "--db", db, "--id", "a", "--name", "Dr A",
            "--profession", "medecin")
        run("appt", "add", "--db", db, "--practitioner", "a", "--start", "2026-10-25T02:30",
            "--duration", "20", "--patient", name, "--birth", "1970-01-01", "--room", room)
        run("export", "ical", "--db", db, "--practitioner", "a", "--from", "2026-10-20",
            "--to", "2026-10-31", "--avec-noms", "--out", out)
        check((os.stat(out).st_mode & 0o777) == 0o600, "fichier .ics non 0600")
        with open(out, "rb") as f:
            data = f.read()
        raw_lines_ok(data, "export")
        check(b"\r\n " in data, "export: aucune ligne repliée (le nom long devait l'être)")
        ev = events(data)
        check(len(ev) == 1, f"export: {len(ev)} événements au lieu de 1")
        if len(ev) == 1:
            e = ev[0]
            check(str(e["SUMMARY"]) == "Consultation — " + name,
                  f"SUMMARY relu {str(e['SUMMARY'])!r}")
            check(str(e["LOCATION"]) == "S1, salle " + room,
                  f"LOCATION relu {str(e['LOCATION'])!r}")
            # 25 October 2026 02:30 Paris: the first (summer-time) instant.
            check(e.decoded("DTSTART") == utc(2026, 10, 25, 0, 30), "DTSTART 02:30 d'octobre")
            check(e.decoded("DTEND") == utc(2026, 10, 25, 0, 50), "DTEND")
            for prop in ("UID", "DTSTAMP", "STATUS"):
                check(prop in e, f"{prop} manquant")

    if FAILURES:
        for f in FAILURES:
            print("ÉCHEC:", f, file=sys.stderr)
        sys.exit(1)
    print("ical_validate: OK (python3-icalendar", icalendar.__version__ + ")")


main()
