#!/usr/bin/env bash
# Installs the Debian package from dist/ as a user would (apt-get install ./dist/sonic_….deb), runs
# the installed launcher's headless commands on the sample models inside the package, checks that
# errors reach stderr with exit code 2 and that nothing was written into the install folder, then
# removes the package again. Run after packaging/package.sh (./sonic package); needs root or sudo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP=/opt/sonic/bin/Sonic
SAMPLES=/opt/sonic/lib/app/sample-models

shopt -s nullglob
debs=("$ROOT"/dist/sonic_*.deb)
((${#debs[@]} == 1)) || { echo "check-installed: expected one dist/sonic_*.deb, found ${#debs[@]}; run ./sonic package" >&2; exit 1; }
deb="${debs[0]}"
SUDO=
[[ $(id -u) -ne 0 ]] && SUDO=sudo
dpkg -s sonic >/dev/null 2>&1 && { echo "check-installed: sonic is installed already; remove it first (apt-get remove sonic)" >&2; exit 1; }

work="$(mktemp -d)"
remove() {
  echo "check-installed: removing the package" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -qq sonic >/dev/null || true
  rm -rf "$work"
}
trap remove EXIT

fail() { echo "check-installed: FAILED: $*" >&2; exit 1; }

# runs the installed launcher away from any source checkout; sets $code, $out and $err
run() {
  code=0
  (cd "$work" && exec "$APP" "$@") >"$work/out" 2>"$work/err" </dev/null || code=$?
  out="$(cat "$work/out")"
  err="$(grep -v '^WARNING' "$work/err" || true)"
  echo "  Sonic $* -> exit $code" >&2
}

echo "check-installed: installing $deb" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
[[ -x "$APP" ]] || fail "$APP is missing"
[[ -f /usr/share/applications/sonic-Sonic.desktop ]] || fail "no menu entry in /usr/share/applications"
touch "$work/installed"

run --help
[[ $code -eq 0 && "$out" == *inspect* && "$out" == *infer* ]] || fail "--help: $out $err"

run inspect --model "$SAMPLES/mnist-m2/mnist-m2.onnx"
[[ $code -eq 0 && "$out" == *mnist-m2* ]] || fail "inspect: $out $err"
echo "$out" | head -n 3 | sed 's/^/    /' >&2

run infer --in-memory --model "$SAMPLES/mnist-m2/mnist-m2.onnx" --input "$SAMPLES/mnist-m2/inputs.csv" --limit 2
[[ $code -eq 0 && "$out" == *"secure label"* ]] || fail "infer --in-memory: $out $err"

# the dealer and both servers in this process, over HTTPS and TLS WebSockets on loopback
run infer --model "$SAMPLES/breast-cancer/breast-cancer.onnx" --input "$SAMPLES/breast-cancer/inputs.csv" --limit 1
[[ $code -eq 0 && "$out" == *"secure label"* ]] || fail "infer over loopback servers: $out $err"

# a bad input ends with one error line on stderr and exit code 2, through the native launcher
echo "1,2,3" >"$work/three.csv"
run infer --in-memory --model "$SAMPLES/breast-cancer/breast-cancer.onnx" --input "$work/three.csv"
[[ $code -eq 2 && "$err" == error:* && $(grep -c . <<<"$err") -eq 1 && -z "$out" ]] ||
  fail "bad input: exit $code, stderr: $err"
echo "    $err" >&2

changed="$(find /opt/sonic -newer "$work/installed" -print -quit)"
[[ -z "$changed" ]] || fail "the app wrote into its install folder: $changed"
echo "check-installed: the installed package works" >&2
