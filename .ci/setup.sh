# .ci/setup.sh: sourced by demos/run and tests/run. Installs the Debian packages Basin needs that are
# missing (with sudo when not root), then configures and builds a meson build directory.

basin_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What the build and the tests need, as Debian and Ubuntu name them.
basin_packages=(gcc libc6-dev meson ninja-build pkg-config libgsl-dev zlib1g-dev libopenblas-dev liblbfgsb-dev libcmocka-dev
                libcairo2-dev libinih-dev fonts-dejavu-core libxml2-dev poppler-utils
                libsdl2-dev libepoxy-dev libgl1-mesa-dri libglx-mesa0 libegl1 libegl-mesa0 xvfb xauth
                libopenmpi-dev openmpi-bin libgif-dev ffmpeg)

basin_install_missing() {
    local missing=() p
    for p in "${basin_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null; then
        echo "basin: these packages are missing and there is no apt-get to install them: ${missing[*]}" >&2
        return 1
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "basin: need root or sudo to install: ${missing[*]}" >&2; return 1; }
        sudo=(sudo)
    fi
    echo "basin: installing ${missing[*]}" >&2
    "${sudo[@]}" apt-get update -qq >&2 || echo "basin: apt-get update failed; trying the install anyway" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# basin_build DIR [MESON OPTIONS...]: configures DIR under the source tree once, then builds it. The
# tools' output goes to DIR/basin-build.log and is shown only when something fails.
basin_build() {
    local dir="$basin_root/$1" log
    shift
    mkdir -p "$dir"
    log="$dir/basin-build.log"
    if [ ! -f "$dir/build.ninja" ]; then
        if ! meson setup "$dir" "$basin_root" "$@" >"$log" 2>&1; then
            cat "$log" >&2
            echo "basin: configuring $dir failed (log above)" >&2
            return 1
        fi
    fi
    if ! ninja -C "$dir" >>"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "basin: building $dir failed (log: $log)" >&2
        return 1
    fi
}
