# shellcheck shell=bash
# Sourced by scripts/build, scripts/test and scripts/serve: makes sure the system packages and node_modules
# the project needs are present, installing what is missing when it can (root on Debian/Ubuntu).
#
#   tconv_require_deps build   # compilers, Emscripten, C++ libraries, Node.js, esbuild, rsvg-convert
#   tconv_require_deps serve   # same as build
#   tconv_require_deps test    # build + Chromium, fonts, python3, hugo, jekyll, and node_modules (npm ci)
#
# Everything is detected with cheap checks (command -v, header lookup, file existence), so a machine that already
# has everything makes no apt or npm call. Returns non-zero, after saying exactly what to install, when something
# is missing and cannot be installed here.

# Debian's emscripten needs acorn from Debian's node modules for its JS optimizer; a Node.js that is not Debian's
# (e.g. NodeSource's) does not search /usr/share/nodejs on its own, so the link step fails without this.
case ":${NODE_PATH:-}:" in
  *:/usr/share/nodejs:*) ;;
  *) export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}" ;;
esac
# playwright-core never downloads a browser, but make sure nothing in node_modules tries to.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# onnxruntime-node's install script downloads extra binaries (CUDA, from outside the npm registry) and fails
# offline; its CPU binaries ship inside the package, which is all the tests use.
export ONNXRUNTIME_NODE_INSTALL=skip

TCONV_ROOT="${TCONV_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
TCONV_MIN_NODE_MAJOR=18
TCONV_MIN_CMAKE="3.20"

tconv_log() { printf '[deps] %s\n' "$*" >&2; }

# True when the header is in a standard include directory (the quick path), or the C++ preprocessor finds it.
tconv_has_header() {
  local header=$1
  if [ -f "/usr/include/$header" ] || [ -f "/usr/local/include/$header" ]; then
    return 0
  elif command -v g++ >/dev/null 2>&1; then
    printf '#include <%s>\n' "$header" | g++ -std=c++17 -E -x c++ - >/dev/null 2>&1
  else
    return 1
  fi
}

tconv_version_ge() { # $1 >= $2 (dotted versions)
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# Prints "debian-package<TAB>what it provides" for each missing requirement of the given mode.
tconv_missing_packages() {
  local mode=$1
  command -v cmake >/dev/null 2>&1 || printf 'cmake\tCMake >= %s\n' "$TCONV_MIN_CMAKE"
  command -v g++ >/dev/null 2>&1 || printf 'g++\ta C++17 compiler (g++)\n'
  command -v make >/dev/null 2>&1 || printf 'make\tmake\n'
  { command -v em++ >/dev/null 2>&1 && command -v emcmake >/dev/null 2>&1; } \
    || printf 'emscripten\tEmscripten (em++, emcmake)\n'
  tconv_has_header xtensor/xarray.hpp || printf 'libxtensor-dev\txtensor headers\n'
  tconv_has_header catch2/catch.hpp || printf 'catch2\tCatch2 v2 headers\n'
  tconv_has_header nlohmann/json.hpp || printf 'nlohmann-json3-dev\tnlohmann/json headers\n'
  # scripts/build minifies the page's JS and CSS with it (no bundling; Debian's is a single Go binary).
  command -v esbuild >/dev/null 2>&1 || printf 'esbuild\tesbuild (minifies the page for dist/)\n'
  # scripts/figure.mjs --format png (the link preview picture scripts/build draws) rasterizes SVG with it.
  command -v rsvg-convert >/dev/null 2>&1 || printf 'librsvg2-bin\trsvg-convert (SVG to PNG for figures)\n'
  command -v node >/dev/null 2>&1 || printf 'nodejs\tNode.js >= %s\n' "$TCONV_MIN_NODE_MAJOR"
  command -v npm >/dev/null 2>&1 || printf 'npm\tnpm\n'
  [ -f /etc/ssl/certs/ca-certificates.crt ] || printf 'ca-certificates\tTLS root certificates (for npm)\n'
  if [ "$mode" = test ]; then
    [ -x /usr/bin/chromium ] || printf 'chromium\tChromium at /usr/bin/chromium (browser tests)\n'
    [ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] \
      || printf 'fonts-liberation\tfonts for headless Chromium screenshots\n'
    command -v python3 >/dev/null 2>&1 || printf 'python3\tPython 3\n'
    # The embed snippets' tests render the Hugo shortcode and the Jekyll include with the generators themselves.
    command -v hugo >/dev/null 2>&1 || printf 'hugo\tHugo (renders the embed shortcode in a test)\n'
    command -v jekyll >/dev/null 2>&1 || printf 'jekyll\tJekyll (renders the embed include in a test)\n'
    # The code-export tests run the exported PyTorch and NumPy scripts with Debian's /usr/bin/python3.
    [ -f /usr/lib/python3/dist-packages/numpy/__init__.py ] \
      || printf 'python3-numpy\tNumPy for /usr/bin/python3 (code export tests)\n'
    [ -f /usr/lib/python3/dist-packages/torch/__init__.py ] \
      || printf 'python3-torch\tPyTorch for /usr/bin/python3 (code export tests)\n'
    # The libFuzzer target (scripts/fuzz): clang-14 with its libFuzzer and sanitizer runtimes. g++'s ASan/UBSan
    # runtimes for the sanitized Catch2 build come with g++ itself.
    command -v clang++-14 >/dev/null 2>&1 || printf 'clang-14\tclang++-14 (fuzzing)\n'
    compgen -G '/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a' >/dev/null \
      || printf 'libclang-rt-14-dev\tlibFuzzer and sanitizer runtimes for clang-14 (fuzzing)\n'
  fi
  return 0
}

# Versions that a present-but-old tool would fail on in confusing ways; checked after installing.
tconv_check_versions() {
  local ok=0 node_major cmake_version
  if command -v node >/dev/null 2>&1; then
    node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "${node_major:-0}" -lt "$TCONV_MIN_NODE_MAJOR" ]; then
      tconv_log "Node.js $(node --version 2>/dev/null) is too old: version $TCONV_MIN_NODE_MAJOR or newer is needed."
      ok=1
    fi
  fi
  if command -v cmake >/dev/null 2>&1; then
    cmake_version=$(cmake --version | sed -n '1s/^cmake version \([0-9.]*\).*/\1/p')
    if ! tconv_version_ge "${cmake_version:-0}" "$TCONV_MIN_CMAKE"; then
      tconv_log "CMake ${cmake_version:-?} is too old: version $TCONV_MIN_CMAKE or newer is needed (ctest --test-dir)."
      ok=1
    fi
  fi
  return "$ok"
}

tconv_print_manual_instructions() {
  local missing=$1 packages
  packages=$(printf '%s\n' "$missing" | cut -f1 | paste -sd' ')
  tconv_log "Missing:"
  printf '%s\n' "$missing" | cut -f2 | sed 's/^/[deps]   - /' >&2
  if command -v apt-get >/dev/null 2>&1; then
    tconv_log "Install them as root, then run this script again:"
    tconv_log "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $packages"
  else
    tconv_log "This is not a Debian/Ubuntu system, so nothing was installed. Install the equivalents with your"
    tconv_log "package manager: CMake >= $TCONV_MIN_CMAKE, g++ (C++17), make, xtensor, Catch2 v2, nlohmann-json,"
    tconv_log "Node.js >= $TCONV_MIN_NODE_MAJOR with npm, esbuild, and (for ./scripts/test) Chromium at /usr/bin/chromium."
    tconv_log "For Emscripten use emsdk (https://emscripten.org/docs/getting_started/downloads.html):"
    tconv_log "  git clone https://github.com/emscripten-core/emsdk && cd emsdk && ./emsdk install 3.1.6 \\"
    tconv_log "    && ./emsdk activate 3.1.6 && source ./emsdk_env.sh"
  fi
}

tconv_install_system_packages() {
  local mode=$1 missing packages
  missing=$(tconv_missing_packages "$mode")
  if [ -z "$missing" ]; then
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
    tconv_print_manual_instructions "$missing"
    return 1
  fi
  # shellcheck disable=SC2207 # package names contain no spaces or globs
  packages=($(printf '%s\n' "$missing" | cut -f1))
  tconv_log "Installing missing system packages: ${packages[*]}"
  # Wait for another apt/dpkg run (unattended upgrades, a parallel install) instead of failing on its lock.
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update \
    || { tconv_log "apt-get update failed"; return 1; }
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends \
    "${packages[@]}" || { tconv_log "apt-get install failed"; return 1; }
  missing=$(tconv_missing_packages "$mode")
  if [ -n "$missing" ]; then
    tconv_log "Still missing after apt-get install (the package may have another name on this distribution):"
    tconv_print_manual_instructions "$missing"
    return 1
  fi
}

# npm ci when node_modules is absent or older than package.json / package-lock.json.
tconv_install_node_modules() {
  local stamp="$TCONV_ROOT/node_modules/.package-lock.json"
  [ -f "$TCONV_ROOT/package.json" ] || return 0
  if [ -f "$stamp" ] && [ ! "$TCONV_ROOT/package.json" -nt "$stamp" ] \
    && { [ ! -f "$TCONV_ROOT/package-lock.json" ] || [ ! "$TCONV_ROOT/package-lock.json" -nt "$stamp" ]; }; then
    return 0
  fi
  if [ -f "$TCONV_ROOT/package-lock.json" ]; then
    tconv_log "Installing node_modules (npm ci)"
    (cd "$TCONV_ROOT" && npm ci --no-audit --no-fund) || { tconv_log "npm ci failed"; return 1; }
  else
    tconv_log "Installing node_modules (npm install: no package-lock.json yet)"
    (cd "$TCONV_ROOT" && npm install --no-audit --no-fund) || { tconv_log "npm install failed"; return 1; }
  fi
  # npm ci may leave the stamp older than the lock file it just read; touch it so the next run is a no-op.
  [ -f "$stamp" ] && touch "$stamp"
  return 0
}

# clang-format for ./scripts/lint (Debian's package), installed when missing and possible.
tconv_require_clang_format() {
  command -v clang-format >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    tconv_log "Installing clang-format"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update \
      && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends clang-format \
      && return 0
  fi
  tconv_log "clang-format is missing: install it (apt-get install clang-format) to run ./scripts/lint"
  return 1
}

tconv_require_deps() {
  local mode=${1:-build}
  case "$mode" in
    build | serve | test) ;;
    *) tconv_log "unknown mode '$mode' (expected build, serve or test)"; return 2 ;;
  esac
  # A parent script already checked at least this much; don't check twice in one run.
  if [ "${TCONV_DEPS_CHECKED:-}" = test ] || [ "${TCONV_DEPS_CHECKED:-}" = "$mode" ]; then
    return 0
  fi
  tconv_install_system_packages "$mode" || return 1
  tconv_check_versions || return 1
  if [ "$mode" = test ]; then
    tconv_install_node_modules || return 1
  fi
  export TCONV_DEPS_CHECKED="$mode"
  if [ "$mode" = serve ]; then export TCONV_DEPS_CHECKED=build; fi
}
