#!/usr/bin/env bash
# Makes Sonic's installable packages with jpackage (JDK 17) from the jars ./sonic runs, each with its
# own Java runtime and the sample models:
#   dist/Sonic/                        application image: bin/Sonic, lib/app (jars, sample-models), lib/runtime
#   dist/sonic_VERSION-1_ARCH.deb      Debian package that installs the image into /opt/sonic, with a
#                                      menu entry "Sonic" (Education)
# Every jpackage option lives in this file. `./sonic package` builds the jars first, then runs it.
# Usage: packaging/package.sh [app-image|deb]   (default: both; the deb is made from the image)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$ROOT/desktop-app/target"
DIST="$ROOT/dist"
STAGE="$TARGET/jpackage-input"
NAME=Sonic
PKG=sonic
DESCRIPTION="Secure neural-network inference on two servers, a teaching demonstrator"
# JDK modules the code cannot name but needs at run time: elliptic curves for TLS between the nodes,
# locales and charsets of the user's machine, zip file systems
PROVIDERS=jdk.crypto.ec,jdk.localedata,jdk.charsets,jdk.zipfs

want="${1:-all}"
case "$want" in
  all | app-image | deb) ;;
  *) echo "usage: ./sonic package [app-image|deb]   (or packaging/package.sh [app-image|deb])" >&2; exit 2 ;;
esac

die() { echo "package: $*" >&2; exit 1; }

[[ -f "$TARGET/sonic-desktop.jar" && -d "$TARGET/lib" ]] ||
  die "desktop-app/target/sonic-desktop.jar is missing; run ./sonic package (it builds first)"
command -v jpackage >/dev/null || die "jpackage is missing; it comes with the JDK (apt-get install openjdk-17-jdk)"

# the deb needs fakeroot and dpkg-deb: install them when missing, as ./run-tests does its test data
if [[ "$want" != app-image ]]; then
  need=()
  command -v fakeroot >/dev/null || need+=(fakeroot)
  command -v dpkg-deb >/dev/null || need+=(dpkg)
  if ((${#need[@]})); then
    SUDO=
    [[ $(id -u) -ne 0 ]] && SUDO=sudo
    echo "package: installing ${need[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

# the version of the jar just built (0.1.0-SNAPSHOT -> 0.1.0; Debian versions start with a digit)
VERSION="$(sed -n 's/^version=//p' "$TARGET/maven-archiver/pom.properties" 2>/dev/null || true)"
VERSION="${VERSION%-SNAPSHOT}"
[[ "$VERSION" =~ ^[0-9]+(\.[0-9]+)*$ ]] || die "no numeric version in desktop-app/target/maven-archiver/pom.properties"

# jpackage's input becomes lib/app: the main jar, its libraries and sample-models/. The launcher
# passes lib/app as sonic.root, where the app looks for sample-models/ (read only; user data stays in
# the user's home and temporary folders).
rm -rf "$STAGE"
mkdir -p "$STAGE/lib"
cp "$TARGET/sonic-desktop.jar" "$STAGE/"
cp "$TARGET"/lib/*.jar "$STAGE/lib/"
cp -r "$ROOT/sample-models" "$STAGE/sample-models"

# the bundled Java runtime holds only the JDK modules the jars use (jdeps) and the providers above
MODULES="$(cd "$STAGE" && jdeps -q --multi-release 17 --ignore-missing-deps --print-module-deps sonic-desktop.jar lib/*.jar)"
[[ "$MODULES" == java.base* ]] || die "jdeps found no module list: $MODULES"
MODULES="$MODULES,$PROVIDERS"

mkdir -p "$DIST"
rm -rf "${DIST:?}/$NAME"
echo "package: application image $DIST/$NAME" >&2
jpackage --type app-image --dest "$DIST" \
  --name "$NAME" --app-version "$VERSION" --description "$DESCRIPTION" --vendor "Sonic" \
  --icon "$ROOT/desktop-app/src/main/resources/io/sonic/desktop/sonic.png" \
  --input "$STAGE" --main-jar sonic-desktop.jar --main-class io.sonic.desktop.Launcher \
  --add-modules "$MODULES" \
  --java-options '-Dsonic.root=$APPDIR' \
  --java-options '-Dsonic.command=$BINDIR/Sonic' \
  --java-options -Dprism.order=sw
rm -rf "$STAGE"

if [[ "$want" != app-image ]]; then
  deb="$DIST/${PKG}_${VERSION}-1_$(dpkg --print-architecture).deb"
  rm -f "$deb"
  echo "package: Debian package $deb" >&2
  # packaging/deb holds jpackage's templates for the menu entry (with the window class of the app, so
  # that docks show its icon) and for postinst and prerm (made to work on systems without a desktop
  # menu folder yet). jpackage names the libraries of the bundled runtime; JavaFX unpacks its
  # own native libraries at run time, so their GTK 3 is named here.
  jpackage --type deb --dest "$DIST" --app-image "$DIST/$NAME" \
    --name "$NAME" --app-version "$VERSION" --description "$DESCRIPTION" --vendor "Sonic" \
    --icon "$ROOT/desktop-app/src/main/resources/io/sonic/desktop/sonic.png" --resource-dir "$ROOT/packaging/deb" \
    --linux-package-name "$PKG" --linux-app-release 1 --linux-app-category education \
    --linux-menu-group Education --linux-shortcut \
    --linux-package-deps libgtk-3-0
  [[ -f "$deb" ]] || die "jpackage made no $deb"
  if [[ "$want" == deb ]]; then
    rm -rf "${DIST:?}/$NAME"
  fi
fi
ls -ld "$DIST"/* >&2
