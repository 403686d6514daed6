import sys

from smp_studio.cli import main

sys.exit(main())
