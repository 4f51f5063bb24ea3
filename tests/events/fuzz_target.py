"""Coverage-guided fuzzing (atheris / libFuzzer) of the document readers, the draft parser and
the extraction of events and comment letters.

    python -m tests.events.fuzz_target CORPUS_DIR -runs=20000 -max_total_time=60

The first input byte picks the entry point and the file name the bytes are read under; the rest
is the file. A file may be refused, but only with the parsers' own errors (a message in both
languages); every span the extractors return must slice its text exactly. Anything else is a
crash: libFuzzer stops, prints the traceback and writes the input as crash-<sha1> in the current
folder. tests/events/test_fuzz_atheris.py runs this in the suite with a seed corpus.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["ykien"]):
    from ykien.drafts.parse import DraftParseError, parse_file
    from ykien.errors import UserError
    from ykien.events.clean import clean_report
    from ykien.events.extract import extract_event
    from ykien.events.readers import read_document
    from ykien.events.submissions.split import split_submission

FILENAMES = ("a.txt", "a.docx", "a.pdf", "a.md", "a", "a.doc")
MAX_BYTES = 2_000_000


def _check_spans(text: str) -> None:
    proposal = extract_event(text)
    mentions = [m for m in (proposal.title, proposal.place) if m is not None]
    mentions += [d.mention for d in proposal.dates] + [p.name for p in proposal.people]
    mentions += [t for p in proposal.people for t in p.titles]
    for group in (
        proposal.organisers,
        proposal.organisations,
        proposal.drafts,
        proposal.opinions,
        proposal.recommendations,
        proposal.commitments,
        proposal.resolutions,
    ):
        mentions += group
    for mention in mentions:
        assert proposal.text[mention.start : mention.end] == mention.text, mention
    for item in split_submission(text):
        assert text[item.start : item.end] == item.text, item


def test_one_input(data: bytes) -> None:
    if not data:
        return
    selector, body = data[0], data[1:]
    filename = FILENAMES[selector % len(FILENAMES)]
    if selector & 0x80:  # the draft parser
        try:
            draft = parse_file(body, filename, max_bytes=MAX_BYTES)
        except DraftParseError as error:
            assert error.message_vi and error.message_en
            return
        for section in draft.sections:
            assert section.parent is None or 0 <= section.parent < len(draft.sections)
        return
    try:
        text = read_document(body, filename=filename, max_bytes=MAX_BYTES)
    except UserError as error:
        assert error.message_vi and error.message_en
        return
    assert text.strip()
    clean_report(text)
    _check_spans(text)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
