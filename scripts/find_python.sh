#!/usr/bin/env bash
# Print the path of a Python interpreter matching the wanted versions, or explain how to get one.
# usage: find_python.sh app     -> Python 3.11 or newer (the app environment, .venv/)
#        find_python.sh engine  -> Python 3.11 exactly (Rasa 3.6.21's verified package set)
set -euo pipefail
want=${1:-app}
if [ "$want" = engine ]; then candidates="python3.11"; else candidates="python3.11 python3.12 python3.13 python3"; fi
for c in $candidates; do
  p=$(command -v "$c" 2>/dev/null) || continue
  v=$("$p" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
  if [ "$want" = engine ]; then [ "$v" = 3.11 ] || continue
  else "$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || continue; fi
  "$p" -c 'import venv, ensurepip' 2>/dev/null || { echo "note: $p has no venv/ensurepip module (Debian: apt-get install python3-venv)" >&2; continue; }
  echo "$p"; exit 0
done
if [ "$want" = engine ]; then
  echo "error: the conversation engine (Rasa 3.6.21) needs Python 3.11 exactly, and none was found on PATH." >&2
  echo "       Install it (Debian 12: apt-get install python3.11 python3.11-venv; or: pyenv install 3.11) and run make again." >&2
else
  echo "error: the app needs Python 3.11 or newer, and none was found on PATH." >&2
  echo "       Install it (Debian 12: apt-get install python3.11 python3.11-venv; or: pyenv install 3.11) and run make again." >&2
fi
exit 1
