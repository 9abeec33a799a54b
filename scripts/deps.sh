#!/bin/sh
# Installs the Debian packages mapkeeper needs to build and test, when they are missing.
# As root with apt-get: installs them without a prompt. Otherwise prints the exact
# apt-get line and exits 1. --fuzz adds clang and its libFuzzer runtime.
set -u
need=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v make >/dev/null 2>&1 || need="$need make"
command -v python3 >/dev/null 2>&1 || need="$need python3"
have_pc libpcre2-8 || need="$need libpcre2-dev"
have_pc libcurl || need="$need libcurl4-openssl-dev"
have_pc jansson || need="$need libjansson-dev"
have_pc sqlite3 || need="$need libsqlite3-dev"
have_pc libmicrohttpd || need="$need libmicrohttpd-dev"
have_pc libcrypto || need="$need libssl-dev"
have_pc libarchive || need="$need libarchive-dev"
have_pc libxml-2.0 || need="$need libxml2-dev"
command -v pcre2grep >/dev/null 2>&1 || need="$need pcre2-utils"
if [ "${1:-}" = "--fuzz" ]; then
	command -v clang >/dev/null 2>&1 || need="$need clang"
	ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
		need="$need libclang-rt-dev"
fi
[ -z "$need" ] && exit 0
line="apt-get install -y --no-install-recommends$need"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "mapkeeper: installing missing packages:$need"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -q --no-install-recommends $need >/tmp/mapkeeper-apt.log 2>&1; then
		apt-get update -q >>/tmp/mapkeeper-apt.log 2>&1
		if ! apt-get install -y -q --no-install-recommends $need >>/tmp/mapkeeper-apt.log 2>&1; then
			echo "mapkeeper: cannot install packages (see /tmp/mapkeeper-apt.log): $line" >&2
			exit 1
		fi
	fi
	exit 0
fi
echo "mapkeeper: missing packages; run as root: $line" >&2
exit 1
