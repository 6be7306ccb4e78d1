#!/usr/bin/env bash
# packaging/build-deb.sh [VERSION]: builds out/selfhostsync_<VERSION>_amd64.deb from this checkout.
# Needs the .NET 10 SDK (and its NuGet source) and dpkg-deb; the package itself needs nothing from the network.
#
# Contents: the self-contained single-file binary in /usr/lib/selfhostsync (with its demo lab files) and on PATH,
# the hardened unit, the man page, the example configuration as a conffile and its JSON Schema, copyright and changelog. The maintainer
# scripts (packaging/debian) create the service user, give /etc/selfhostsync to its group (0750) with credentials/
# root's (0700), enable the unit (it starts once /etc/selfhostsync/appsettings.json exists), restart a running daemon
# on upgrade, keep state on remove and delete it, the configuration and the user on purge.
#
# Lintian: clean but for one tag, overridden in the package with its reason:
#   embedded-library zlib: the .NET runtime inside the self-contained single file links zlib(-ng) statically; the
#   file carries its runtime so that nothing else needs installing on a PBS host.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-0.1.0}"
if ! [[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]]; then
    echo "build-deb.sh: '$version' is not a Debian version (digits first: 1.2.3, 1.2.3~rc1)" >&2
    exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"

dotnet publish src/SelfHostSync -c Release -r linux-x64 --self-contained \
    -p:PublishSingleFile=true -p:PublishTrimmed=true -p:DebugType=none -p:Version="${version%%[~+-]*}" -o "$work/publish" >&2

install -D -m 0755 "$work/publish/selfhostsync" "$root/usr/lib/selfhostsync/selfhostsync"
install -d -m 0755 "$root/usr/lib/selfhostsync/config" "$root/usr/bin"
install -m 0644 "$work/publish/config/"* "$root/usr/lib/selfhostsync/config/"
ln -s ../lib/selfhostsync/selfhostsync "$root/usr/bin/selfhostsync"

install -D -m 0644 systemd/selfhostsync.service "$root/usr/lib/systemd/system/selfhostsync.service"
# The JSON Schema of the configuration (generated from the option types, checked by ConfigSchemaTests): the installed
# example names it, so an editor completes and checks a configuration started from it.
install -D -m 0644 appsettings.schema.json "$root/usr/share/selfhostsync/appsettings.schema.json"
install -d -m 0755 "$root/etc/selfhostsync"
sed 's|"\$schema": "./appsettings.schema.json"|"$schema": "file:///usr/share/selfhostsync/appsettings.schema.json"|' \
    appsettings.example.json > "$root/etc/selfhostsync/appsettings.example.json"
chmod 0644 "$root/etc/selfhostsync/appsettings.example.json"

install -d -m 0755 "$root/usr/share/man/man1" "$root/usr/share/doc/selfhostsync"
"$work/publish/selfhostsync" man > "$work/selfhostsync.1"
gzip -9n -c "$work/selfhostsync.1" > "$root/usr/share/man/man1/selfhostsync.1.gz"
chmod 0644 "$root/usr/share/man/man1/selfhostsync.1.gz"
install -m 0644 packaging/debian/copyright "$root/usr/share/doc/selfhostsync/copyright"
date="$(git log -1 --format=%aD 2>/dev/null || date -R)"
printf 'selfhostsync (%s) stable; urgency=medium\n\n  * Release %s.\n\n -- SelfHostSync developers <selfhostsync@users.noreply.github.com>  %s\n' \
    "$version" "$version" "$date" | gzip -9n > "$root/usr/share/doc/selfhostsync/changelog.gz"
chmod 0644 "$root/usr/share/doc/selfhostsync/changelog.gz"
install -D -m 0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/selfhostsync"

install -d -m 0755 "$root/DEBIAN"
size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" packaging/debian/control > "$root/DEBIAN/control"
install -m 0644 packaging/debian/conffiles "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
    install -m 0755 "packaging/debian/$script" "$root/DEBIAN/$script"
done

mkdir -p out
deb="out/selfhostsync_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
