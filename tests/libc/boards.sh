#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/libc/boards.sh - bareslab as the C library's malloc on the QEMU
# boards: arm with newlib-nano, riscv with picolibc.
#
#   tests/libc/boards.sh [BOARD...]          default: every board of arch/boards.mk
#
# Each board's compiler, flags and C library are its own (arch/BOARD/Makefile,
# read through scripts/board.sh); what differs between C libraries is here.
# For each board it builds, in build/ARCH/libc/:
#   libmm_libc.a   mm/libc/ compiled against the board's C library
#   libc.elf       the board's objects (those of make ARCH=... all), the
#                  test kernel_main of tests/libc/board/main.c, kernel/libc_demo.c,
#                  the C library's system glue, libmm_libc.a, libmm.a, libc
#   control.elf    the same without libmm_libc.a (and with stubs so
#                  that it links): the C library's own malloc inside
# and checks:
#   link           libc.elf links with no sbrk at all: if the C library's
#                  malloc were pulled in, its sbrk would be undefined
#   symbols        nm libc.elf shows no sbrk and none of the C library's
#                  allocator state, and the map shows malloc from malloc.o
#                  of libmm_libc.a; the same check fails on control.elf
#   qemu           libc.elf runs: every line of the demo as expected,
#                  "libc demo: ok", slabinfo with kmalloc caches that served
#                  allocations, no misuse reported, exit status 0
#   console        the demo firmware linked with the C library (make ARCH=...
#                  libc-image: bareslab-libc.elf) runs the console command
#                  `libc`, then slabinfo shows the C library's allocations;
#                  skipped while the top Makefile has no libc-image target
#   cmake          (arm) the same image built by a CMake project that takes
#                  bareslab through add_subdirectory(mm): links without sbrk,
#                  and runs the demo
#
# The last line is "libc-boards: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."

log_dir=build/test-logs
mkdir -p "$log_dir"
. scripts/tally.sh
. scripts/board.sh

# What a C library's allocator leaves in an image: sbrk in any spelling,
# newlib's free list, arena and statistics, picolibc's free list and heap top.
LIBC_MALLOC_SYMBOLS='sbrk|^__malloc_(free_list|sbrk_start|sbrk_top|av_|current_mallinfo|grow_chunk|malloc|block)$|^_malloc_r_unlocked$'

# libc_symbols ARCH IMAGE MAP - print what shows the C library's malloc in
# IMAGE; print nothing when bareslab is the only allocator.
libc_symbols() {
    local nm=$1 image=$2 map=$3 found
    found=$($nm "$image" | awk '{ print $NF }' | grep -E "$LIBC_MALLOC_SYMBOLS")
    [ -n "$found" ] && echo "$found"
    # With -ffunction-sections, malloc's input section names its archive member.
    grep -A1 -E '^ \.text\.malloc( |$)' "$map" | grep -qE 'libmm_libc\.a\(malloc\.(o|c\.obj)\)' ||
        echo "malloc does not come from libmm_libc.a(malloc.o)"
}

# The board's own objects (start-up, UART, ...), as the top Makefile linked
# them into build/ARCH/bareslab.elf: its map names every input file.
board_objects() {
    grep "^LOAD build/$1/arch/" "build/$1/bareslab.map" | awk '{ print $2 }' | tr '\n' ' '
}

# The demo's output, line for line, the same on both boards.
expected_lines() {
    cat <<'EOF'
libc demo: the C library's malloc is bareslab
floats: pi 3.14159, e 2.718e+00, 1/3 0.333333, -0.5 -0.5
snprintf: "0012.346|42    |end" (19 bytes)
sorted: buddy cache freelist kmalloc object page pool region slab
qsort: 2000 doubles, min 0.483, median 504.972, max 999.978, quarters 488 504 505 503
fmemopen: 1234 56.78 stream
aligned and error cases: checked
libc demo: ok
EOF
}

# The link options the board's C library needs (libc_link), and what its own
# malloc needs to link in the control image (libc_control); board_* loaded.
libc_options() {
    libc_link=
    case $board_libc in
    newlib-nano)
        # newlib-nano leaves float conversions out unless asked for.
        libc_link="-Wl,-u,_printf_float -Wl,-u,_scanf_float"
        libc_control="$out/control_stubs.o" ;;
    picolibc)
        # picolibc's sbrk hands out __heap_start..__heap_end of its own linker script.
        libc_control="-Wl,--defsym=__heap_start=__heap0_start -Wl,--defsym=__heap_end=__heap0_end" ;;
    *)
        return 1 ;;
    esac
}

board() {
    local arch=$1 cross cpu libc_flags link_flags glue control_extra libc_link libc_control
    local out=build/$arch/libc log=$log_dir/libc-$arch
    board_load "$arch" || { bad "$arch: no such board"; return; }
    if ! libc_options; then
        bad "$arch: $0 knows no C library '$board_libc' (board-libc of arch/$arch/Makefile)"
        return
    fi
    cross=$board_cross
    cpu=$board_cflags
    libc_flags=$board_libc_cflags
    link_flags="-T $board_ldscript $libc_link"
    glue=$board_libc
    control_extra=$libc_control
    local cc="${cross}gcc $cpu $libc_flags"
    local cflags="-std=gnu11 -O2 -g -Wall -Wextra -Werror -ffunction-sections -fdata-sections"
    local f src

    echo "== $arch"
    if ! make --no-print-directory ARCH=$arch all >"$log.build" 2>&1; then
        bad "$arch: board objects and libmm.a (make ARCH=$arch all)" "$(tail -20 "$log.build")"
        return
    fi
    if [ -z "$(board_objects "$arch")" ]; then
        bad "$arch: no board objects in build/$arch/bareslab.map"
        return
    fi
    mkdir -p "$out"
    {
        set -e
        for f in malloc port; do
            $cc $cflags -fno-builtin -Imm/include -Imm/libc -c mm/libc/$f.c -o $out/$f.o
        done
        rm -f $out/libmm_libc.a
        ${cross}ar rcs $out/libmm_libc.a $out/malloc.o $out/port.o
        for src in tests/libc/board/main.c kernel/libc_demo.c arch/$arch/libc.c; do
            f=$(basename "$src" .c)
            [ "$f" = libc ] && f=$glue
            $cc $cflags -I. -Imm/include -Ikernel -c "$src" -o "$out/$f.o"
        done
        if [ "$board_libc" = newlib-nano ]; then
            $cc $cflags -c tests/libc/board/control_stubs.c -o $out/control_stubs.o
        fi
    } >"$log.compile" 2>&1
    if [ $? -ne 0 ]; then
        bad "$arch: compile libmm_libc.a and the demo" "$(tail -20 "$log.compile")"
        return
    fi
    local objs
    objs="$(board_objects "$arch") $out/main.o $out/libc_demo.o $out/$glue.o"
    # shellcheck disable=SC2086
    if $cc -nostartfiles $link_flags -Wl,--gc-sections -Wl,-Map=$out/libc.map -o $out/libc.elf \
        $objs $out/libmm_libc.a build/$arch/libmm.a -lc -lgcc >"$log.link" 2>&1; then
        ok "$arch: libc.elf links without any sbrk ($(${cross}size $out/libc.elf | awk 'NR == 2 { print $1 + $2 }') bytes of code and data)"
    else
        bad "$arch: libc.elf does not link" "$(grep -v '^collect2' "$log.link" | head)"
        return
    fi
    local found
    found=$(libc_symbols ${cross}nm $out/libc.elf $out/libc.map)
    if [ -z "$found" ]; then
        ok "$arch: no trace of the C library's malloc in libc.elf; malloc is bareslab's"
    else
        bad "$arch: the C library's malloc is in libc.elf" "$found"
    fi
    # The control: the check must see the C library's malloc when it is there.
    # shellcheck disable=SC2086
    if $cc -nostartfiles $link_flags -Wl,--gc-sections -Wl,-Map=$out/control.map \
        -o $out/control.elf $objs $control_extra build/$arch/libmm.a -lc -lgcc \
        >"$log.control" 2>&1 &&
        [ -n "$(libc_symbols ${cross}nm $out/control.elf $out/control.map | grep -v '^malloc does')" ]; then
        ok "$arch: the same check finds the C library's malloc in control.elf"
    else
        bad "$arch: the check does not see the C library's malloc in control.elf" \
            "$(tail -5 "$log.control")"
    fi

    RUN_TIMEOUT=60 scripts/run.sh $arch $out/libc.elf </dev/null 2>&1 | tr -d '\r' >"$log.run"
    local rc=${PIPESTATUS[0]} missing
    missing=$(expected_lines | while IFS= read -r line; do
        grep -qxF "$line" "$log.run" || echo "missing: $line"
    done)
    local caches reports
    caches=$(awk '$1 ~ /^kmalloc-/ && $(NF - 3) > 0' "$log.run" | wc -l)
    reports=$(awk '$1 == "Reports:" { print $2 }' "$log.run")
    if [ "$rc" -eq 0 ] && [ -z "$missing" ] && [ "$caches" -gt 0 ] && [ "$reports" = 0 ]; then
        ok "$arch: QEMU runs the demo: $(grep -F 'served by bareslab' "$log.run" |
            sed 's/^libc demo: //'); $caches kmalloc caches in slabinfo"
    else
        bad "$arch: QEMU run: exit $rc, $caches kmalloc caches used, reports '$reports'" \
            "$missing"$'\n'"$(tail -15 "$log.run")"
    fi
}

# The demo firmware with its C library: `libc` at the console, then slabinfo.
console_board() {
    local arch=$1 image=build/$1/bareslab-libc.elf log=$log_dir/libc-$1-console found
    if ! make --no-print-directory -n ARCH=$arch libc-image >/dev/null 2>&1; then
        skip "$arch: console command libc" "the top Makefile has no libc-image target"
        return
    fi
    if ! make --no-print-directory ARCH=$arch libc-image >"$log.build" 2>&1; then
        bad "$arch: make ARCH=$arch libc-image" "$(tail -20 "$log.build")"
        return
    fi
    found=$(libc_symbols ${board_cross}nm "$image" "${image%.elf}.map")
    printf 'libc\nslabinfo\nexit 0\n' | RUN_TIMEOUT=60 scripts/run.sh $arch "$image" 2>&1 |
        tr -d '\r' >"$log.run"
    local rc=${PIPESTATUS[1]}
    # slabinfo after the demo: kmalloc caches with allocations.
    local caches
    caches=$(sed -n '/^mm> slabinfo/,/^mm> exit/p' "$log.run" |
        awk '$1 ~ /^kmalloc-/ && $(NF - 3) > 0' | wc -l)
    if [ "$rc" -eq 0 ] && [ -z "$found" ] && grep -qx 'libc demo: ok' "$log.run" &&
        [ "$caches" -gt 0 ]; then
        ok "$arch: console command libc in $image: demo ok, slabinfo shows $caches kmalloc caches in use"
    else
        bad "$arch: console command libc: exit $rc, $caches kmalloc caches" \
            "$found"$'\n'"$(tail -15 "$log.run")"
    fi
}

# A CMake firmware: add_subdirectory(mm), bareslab::mm_libc, the arm board's objects.
cmake_board() {
    local out=build/arm/libc/cmake log=$log_dir/libc-arm-cmake found libc_link libc_control
    board_load arm && libc_options || { bad "arm: no board facts for the CMake build"; return; }
    if ! command -v cmake >/dev/null; then
        bad "arm: cmake is not installed (scripts/deps.sh test)"
        return
    fi
    rm -rf "$out"
    mkdir -p "$out/src"
    cat >"$out/src/toolchain.cmake" <<END
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_C_COMPILER ${board_cross}gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "$board_cflags $board_libc_cflags -O2 -ffunction-sections -fdata-sections")
END
    cat >"$out/src/CMakeLists.txt" <<END
cmake_minimum_required(VERSION 3.13)
project(libc_firmware C)
add_subdirectory($PWD/mm bareslab)
add_executable(libc.elf $PWD/tests/libc/board/main.c $PWD/kernel/libc_demo.c
    $PWD/arch/arm/libc.c)
target_include_directories(libc.elf PRIVATE $PWD $PWD/kernel)
target_link_libraries(libc.elf PRIVATE bareslab::mm_libc $(board_objects arm | sed "s|[^ ]*|$PWD/&|g"))
target_link_options(libc.elf PRIVATE -nostartfiles -T$PWD/$board_ldscript -Wl,--gc-sections
    $libc_link -Wl,-Map=libc.map)
END
    if ! { cmake -S "$out/src" -B "$out" -DCMAKE_TOOLCHAIN_FILE="$PWD/$out/src/toolchain.cmake" &&
        cmake --build "$out"; } >"$log.build" 2>&1; then
        bad "arm: CMake build through add_subdirectory(mm)" \
            "$(grep -iE 'error|undefined' "$log.build" | head)"
        return
    fi
    found=$(libc_symbols ${board_cross}nm "$out/libc.elf" "$out/libc.map")
    RUN_TIMEOUT=60 scripts/run.sh arm "$out/libc.elf" </dev/null 2>&1 | tr -d '\r' >"$log.run"
    if [ -z "$found" ] && grep -qx 'libc demo: ok' "$log.run"; then
        ok "arm: CMake firmware with add_subdirectory(mm): bareslab::mm_libc, no sbrk, demo ok"
    else
        bad "arm: CMake firmware" "$found"$'\n'"$(tail -5 "$log.run")"
    fi
}

archs=("$@")
[ ${#archs[@]} -gt 0 ] || read -r -a archs <<<"$(boards)"
for arch in "${archs[@]}"; do
    board "$arch"
    console_board "$arch"
    [ "$arch" != arm ] || cmake_board
done
total libc-boards
[ "$failed" -eq 0 ]
