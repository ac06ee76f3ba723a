#!/bin/sh
# STAND-IN FOR THE ELECTRON BINARY — NOT ELECTRON. Used by test/start-fallback.test.ts
# through CA_DESK_ELECTRON. With ELECTRON_RUN_AS_NODE=1 (the binding probe of
# `npm start`) it is plain Node, so the probe really loads better-sqlite3;
# otherwise it plays the scenario in STAND_IN_EXIT and leaves a mark that a
# window was attempted.
if [ "$ELECTRON_RUN_AS_NODE" = "1" ]; then
  # A binding this "Electron" cannot load: the real load probe (-e) fails as a wrong binary would.
  if [ "$STAND_IN_EXIT" = "no-binding" ] && [ "$1" = "-e" ]; then
    echo "Error: better_sqlite3.node: invalid ELF header" >&2
    exit 1
  fi
  exec "$STAND_IN_NODE" "$@"
fi
[ -n "$STAND_IN_MARK" ] && : > "$STAND_IN_MARK"
case "$STAND_IN_EXIT" in
  startup-failed) echo "stand-in: the window could not start" >&2; exit 78 ;;
  segv) kill -SEGV $$ ;;
  *) exit 0 ;;
esac
