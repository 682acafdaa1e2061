"""The action server with the project's start-up checks: ``python -m maina_rasa.action_server``.

Takes the arguments of ``rasa run actions`` (``--actions actions --port 5055`` …), runs
:func:`maina_rasa.startup.prepare_action_server` (the facts file is checked; a broken one
stops the server with the list of problems and exit status 1) and then rasa_sdk itself.
"""
from __future__ import annotations

import sys
from typing import List, Optional

from maina_rasa import startup


def main(argv: Optional[List[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        startup.prepare_action_server()
    except startup.StartupError as error:
        print(f"StartupError: {error}", file=sys.stderr)
        return 1
    from rasa_sdk.__main__ import main as rasa_sdk_main

    sys.argv = [sys.argv[0], *args]
    rasa_sdk_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
