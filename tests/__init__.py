"""The test suite.

Importing the package lets Python cache compiled modules even where the environment sets
PYTHONDONTWRITEBYTECODE: the suite starts Python many times (two workers, gunicorn and its
workers, the CLI), and compiling tracker/ and tests/ from source took each of them about 5 s.
"""

import sys

sys.dont_write_bytecode = False
