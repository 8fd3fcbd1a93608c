"""Read and write the tables users receive: CSV, Excel and Parquet, in Danish or English.

The readers ``read_cases``, ``read_survey``, ``read_staff``, ``read_profiles``,
``read_population``, ``read_outcomes``, ``read_people`` and ``read_sampled_survey`` turn a file
into a canonical frame (see :mod:`jobhandicap.frames`). They take a path or an open file (text or
binary) and

- take the format from the file name's suffix (``.csv``/``.txt``/``.tsv``, ``.xlsx``/``.xlsm``,
  ``.parquet``/``.pq``), from ``format=``, or, for a file without a name, from its first bytes;
- detect the CSV separator (``,``, ``;`` or tab), the decimal mark of each number column and the
  encoding (UTF-8 with or without a byte-order mark, UTF-16 with one, or Windows-1252);
- match the column headers in English or Danish, ignoring case, spaces, underscores and hyphens
  (:func:`accepted_headers` lists them); columns with other headers are ignored;
- number rows as a spreadsheet does (the header is row 1, the first data row is row 2) and
  validate with the ``frames.validate_*`` functions, so a :class:`~jobhandicap.errors.SchemaError`
  names the source row and column of every problem.

The writers :func:`write_csv` and :func:`write_excel` write a canonical frame in the form a user
receives it: Danish headers and labels, ``;`` separators, decimal commas, dates as dd-mm-yyyy,
UTF-8 with a byte-order mark (so Excel opens it correctly). The readers read such files back to
the same canonical frame.

Input files are only ever read. Cell text such as ``=cmd|'/c calc'!A0`` is data: it is read and
written as text and never evaluated. :func:`write_csv` prefixes such text with ``'`` so that a
spreadsheet program shows it as text too, and the CSV readers remove that prefix again.

Examples
--------
>>> import io
>>> text = '''sagsnr;kommunekode;ordning;målgruppe;ansøgningsdato;afgørelsesdato;afgørelse;beløb
... A-1;0101;Personlig assistance;Fleksjob;03-01-2019;01-02-2019;Bevilget;120.000,50
... A-2;Aarhus;Hjælpemidler;Sygedagpenge;07-01-2019;;;
... '''
>>> cases = read_cases(io.StringIO(text))
>>> cases[["case_id", "municipality", "jobcentre", "scheme", "decision", "amount_dkk"]]
  case_id  municipality  jobcentre               scheme decision  amount_dkk
0     A-1           101        101  personal assistance  granted    120000.5
1     A-2           751        751                 aids      NaN         NaN
"""

from __future__ import annotations

from jobhandicap.io._mapping import read_mapping
from jobhandicap.io._readers import (
    accepted_headers,
    read_cases,
    read_outcomes,
    read_people,
    read_population,
    read_profiles,
    read_sampled_survey,
    read_staff,
    read_survey,
)
from jobhandicap.io._source import Source
from jobhandicap.io._writers import write_csv, write_excel

__all__ = [
    "Source",
    "accepted_headers",
    "read_cases",
    "read_mapping",
    "read_outcomes",
    "read_people",
    "read_population",
    "read_profiles",
    "read_sampled_survey",
    "read_staff",
    "read_survey",
    "write_csv",
    "write_excel",
]
