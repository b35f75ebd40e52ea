#!/usr/bin/env bash
# Builds the Fabric and Fabric CA command-line programs from pinned Go module versions and caches
# them by version: a second run with the same versions does nothing.
#
# Usage: build-fabric.sh [--env] [--check]
#   --env     print FABRIC_BIN=<dir> and FABRIC_CA_BIN=<dir> on stdout (progress goes to stderr)
#   --check   build nothing: exit 0 when the binaries are cached, 3 when they are not
#
# Each tools module (a go.mod and a //go:build tools file importing the commands) is written to
# a temporary directory at build time, so the project keeps a single go.mod and Fabric's
# dependency set (and its replace directive) never reaches it. Everything is fetched through
# the Go module proxy; nothing else is downloaded.
#
# Fabric is built from a patched copy of its module source (ADR 013): every *.go.txt under
# fabric-patches/ is added as a .go file at the same path, and every fabric-patches/*.patch is
# applied with patch -p1. The cache directory carries a hash of the patches, so a changed
# patch builds again.
set -euo pipefail

FABRIC_MODULE=github.com/hyperledger/fabric
FABRIC_VERSION=${FABRIC_VERSION:-v1.4.0-rc1.0.20230405174026-695dd57e01c2}
FABRIC_CA_MODULE=github.com/hyperledger/fabric-ca
FABRIC_CA_VERSION=${FABRIC_CA_VERSION:-v1.5.15}
FABRIC_CMDS=(peer orderer configtxgen cryptogen osnadmin)
FABRIC_CA_CMDS=(fabric-ca-server fabric-ca-client)

patches=$(cd "$(dirname "$0")" && pwd)/fabric-patches

# patch_files lists the patch files, relative to $patches, in a fixed order.
patch_files() {
	(cd "$patches" && find . -type f \( -name '*.go.txt' -o -name '*.patch' \) | LC_ALL=C sort)
}

# patch_hash is a short hash of the patch files' names and contents.
patch_hash() {
	(cd "$patches" && patch_files | while read -r f; do
		echo "$f"
		sha256sum <"$f"
	done) | sha256sum | cut -c1-12
}

cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/udiledger
fabric_bin=$cache_root/fabric/$FABRIC_VERSION-udi-$(patch_hash)/bin
ca_bin=$cache_root/fabric-ca/$FABRIC_CA_VERSION/bin

print_env=false
check_only=false
for arg in "$@"; do
	case "$arg" in
	--env) print_env=true ;;
	--check) check_only=true ;;
	*)
		echo "usage: $0 [--env] [--check]" >&2
		exit 2
		;;
	esac
done

log() { echo "build-fabric: $*" >&2; }

# complete DIR CMD... succeeds when the build into DIR finished and every command is there.
complete() {
	local dir=$1 c
	shift
	[ -f "$dir/.complete" ] || return 1
	for c in "$@"; do
		[ -x "$dir/$c" ] || return 1
	done
}

print() {
	if $print_env; then
		echo "FABRIC_BIN=$fabric_bin"
		echo "FABRIC_CA_BIN=$ca_bin"
	fi
}

if $check_only; then
	if complete "$fabric_bin" "${FABRIC_CMDS[@]}" && complete "$ca_bin" "${FABRIC_CA_CMDS[@]}"; then
		print
		exit 0
	fi
	exit 3
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# patched_source MODULE VERSION DIR copies the module's source from the module cache into DIR
# and applies the patches to it.
patched_source() {
	local module=$1 version=$2 dir=$3 from f
	from=$(cd "$work" && GOWORK=off GOTOOLCHAIN=local go mod download -json "$module@$version" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	if [ -z "$from" ] || [ ! -d "$from" ]; then
		log "$module $version: go mod download gave no source directory"
		exit 1
	fi
	cp -R "$from" "$dir"
	chmod -R u+w "$dir"
	while read -r f; do
		case "$f" in
		*.go.txt)
			f=${f#./}
			log "add $f as ${f%.txt}"
			mkdir -p "$dir/$(dirname "$f")"
			cp "$patches/$f" "$dir/${f%.txt}"
			;;
		*.patch)
			log "apply ${f#./}"
			patch -d "$dir" -p1 --batch --forward --no-backup-if-mismatch --quiet <"$patches/$f"
			;;
		esac
	done < <(patch_files)
}

# build MODULE VERSION DEST CMD... writes a tools module for MODULE@VERSION and builds
# its commands CMD... into DEST.
build() {
	local module=$1 version=$2 dest=$3
	shift 3
	if complete "$dest" "$@"; then
		log "$module $version: cached in $dest"
		return 0
	fi
	log "$module $version: building $* (a few minutes on 2 cores)"
	local start=$SECONDS dir c
	dir=$work/$(basename "$module")
	mkdir -p "$dir/out"
	{
		echo "module udiledger.local/fabrictools"
		echo
		echo "go 1.20"
		echo
		echo "require $module $version"
		if [ "$module" = "$FABRIC_MODULE" ]; then
			# Fabric's own go.mod carries this replace; a module that builds Fabric repeats it.
			echo
			echo "replace github.com/cespare/xxhash/v2 => github.com/cespare/xxhash/v2 v2.1.2"
			echo
			echo "replace $module => ./src"
		fi
	} >"$dir/go.mod"
	if [ "$module" = "$FABRIC_MODULE" ]; then
		patched_source "$module" "$version" "$dir/src"
	fi
	local pkgs=()
	{
		echo "//go:build tools"
		echo
		echo "// Package tools pins the commands that build-fabric.sh builds."
		echo "package tools"
		echo
		echo "import ("
		for c in "$@"; do
			echo "	_ \"$module/cmd/$c\""
			pkgs+=("$module/cmd/$c")
		done
		echo ")"
	} >"$dir/tools.go"
	(
		cd "$dir"
		export GOTOOLCHAIN=local GOWORK=off GOFLAGS=-mod=mod
		go mod tidy
		go build -trimpath -o out/ "${pkgs[@]}"
	)
	date -u +%Y-%m-%dT%H:%M:%SZ >"$dir/out/.complete"
	mkdir -p "$(dirname "$dest")"
	rm -rf "$dest"
	mv "$dir/out" "$dest"
	log "$module $version: built in $((SECONDS - start)) s into $dest"
}

mkdir -p "$cache_root"
# One build at a time: several test binaries may run this script at once.
exec 9>"$cache_root/.build-fabric.lock"
flock 9

build "$FABRIC_MODULE" "$FABRIC_VERSION" "$fabric_bin" "${FABRIC_CMDS[@]}"
build "$FABRIC_CA_MODULE" "$FABRIC_CA_VERSION" "$ca_bin" "${FABRIC_CA_CMDS[@]}"
print
