"""The test suite.

Importing the package sets two things for every Python process the suite starts:

- compiled modules are cached even where the environment sets PYTHONDONTWRITEBYTECODE: the
  suite starts Python many times (two workers, gunicorn and its workers, the CLI), and compiling
  tracker/ and tests/ from source took each of them about 5 s;
- the cyclic garbage collector runs less often: thousands of short tests allocate millions of
  objects (apps, ORM rows, templates), and its frequent young-generation passes cost about 14 %
  of the CPU time of a run of test_outcomes and test_meetings.
"""

import gc
import sys

sys.dont_write_bytecode = False
gc.set_threshold(50_000, 20, 100)
