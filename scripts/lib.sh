# shellcheck shell=bash
# Shared paths and helpers for scripts/setup, scripts/test and scripts/run. Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RR_CACHE="${RR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/recovery-readiness}"
VENVS="$RR_CACHE/venvs"
PY_PREFIX="$RR_CACHE/python-3.13.5"
UV_VERSION="0.9.30"
UV="$RR_CACHE/uv-$UV_VERSION/bin/uv"
COMPONENT="$ROOT/custom_components/recovery_readiness"
SHARED_DATA="${RR_SHARED_DATA:-$ROOT/../shared/data}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# venv_python LEG -> path of that leg's interpreter
venv_python() { printf '%s/%s/bin/python' "$VENVS" "$1"; }

# py_version PYTHON -> "3 13 5" (empty when the interpreter does not run)
py_version() {
  "$1" -c 'import sys; print(*sys.version_info[:3])' 2>/dev/null || true
}

# version_ok PYTHON MIN_PATCH MAX_PATCH_OR_EMPTY -> true when 3.13.MIN <= version (<= 3.13.MAX)
version_ok() {
  local v
  v=$(py_version "$1")
  [ -n "$v" ] || return 1
  set -- "$1" "$2" "${3:-}" $v
  [ "$4" = 3 ] && [ "$5" = 13 ] && [ "$6" -ge "$2" ] && { [ -z "$3" ] || [ "$6" -le "$3" ]; }
}

# candidates: every python3.13-ish interpreter we can see, best guesses first
python_candidates() {
  local root
  [ -x "$PY_PREFIX/bin/python3.13" ] && echo "$PY_PREFIX/bin/python3.13"
  command -v python3.13 2>/dev/null || true
  command -v python3 2>/dev/null || true
  if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root)
    ls -d "$root"/versions/3.13.*/bin/python3.13 2>/dev/null | sort -rV
  fi
  return 0
}

# find_python MIN_PATCH [MAX_PATCH] -> first interpreter in range, or nothing
find_python() {
  local p
  while read -r p; do
    [ -n "$p" ] && version_ok "$p" "$1" "${2:-}" && { echo "$p"; return 0; }
  done < <(python_candidates)
  return 1
}

# python_for_leg LEG -> the interpreter the leg is built on (without building anything)
python_for_leg() {
  case "$1" in
    # min prefers the 3.13.0/3.13.1 that HA 2025.4.4 targets; core (HA-free) shares it.
    min|run-min|core) find_python 0 1 || find_python 0 ;;
    latest|run) find_python 2 ;;
    *) die "unknown leg $1" ;;
  esac
}

pins_file() {
  case "$1" in
    min|latest|core|run|run-min) echo "$ROOT/requirements/$1.txt" ;;
    *) die "unknown leg $1" ;;
  esac
}
