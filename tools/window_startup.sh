#!/usr/bin/env bash
# Start-up time and peak memory of the real window (the release binary in Xvfb with openbox and
# Mesa's software OpenGL), as opposed to `examples/peak_memory.rs`, which opens and draws the
# project headless (no window, no GL driver, no font atlas upload).
#
# Start-up is measured from launching the process to the window being mapped: eframe keeps the
# window hidden until its first frame is painted, so the map is the first painted frame. It is
# seen with `xev` listening on the root window. The project is read on a background thread
# while the window shows "Opening…", so the second figure is "project shown": the state report
# (SPANWISE_STATE_REPORT) says `opening=none` with the documents loaded. Peak memory is the process's VmHWM after the
# project has been shown for 2 s (a few frames drawn); "anonymous" is the largest RssAnon (heap,
# not mapped files) sampled meanwhile, "steady" the VmRSS at the end. Each run is a fresh process on a fresh
# settings folder.
#
# "Cold" evicts the binary, the project file and every file the previous run had mapped (shared
# libraries, fonts) from the page cache first (posix_fadvise DONTNEED; pages other processes keep
# mapped stay, as on a desktop). "Warm" runs right after another run.
#
# Usage: tools/window_startup.sh [FILE] [WARM_RUNS]
#   FILE       what to open; default: the 10 MB / 200,000 annotation benchmark project, generated
#              with `cargo run --release --example benchmark_project`
#   WARM_RUNS  default 5
# Needs Xvfb, openbox (or DISPLAY set to a running X server), xev, xdotool, python3, and a release
# build (`cargo build --release`; SPANWISE_BIN=path measures another build).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${SPANWISE_BIN:-target/release/spanwise}
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
for tool in xev xdotool python3 stdbuf; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

file=${1:-}
warm_runs=${2:-5}
if [ -z "$file" ]; then
  file=$work/benchmark.spanwise.ron
  cargo run --release -q --example benchmark_project -- "$file"
else
  # A copy, so that nothing (lock files of the killed runs) is left beside the original.
  cp "$file" "$work/"
  file=$work/$(basename "$file")
fi

if [ -z "${DISPLAY:-}" ]; then
  display=:$((90 + RANDOM % 100))
  Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
  pids+=($!)
  export DISPLAY=$display
  for _ in $(seq 100); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.05; done
  openbox >/dev/null 2>&1 &
  pids+=($!)
  sleep 1
fi

maps=$work/mapped-files
touch "$maps"

evict() {
  python3 - "$@" <<'EOF'
import os, sys
for path in sys.argv[1:]:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        continue
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
EOF
}

# One run: prints "SECONDS CPU_SECONDS PEAK_MB".
run_once() {
  local home=$work/home-$RANDOM$RANDOM
  mkdir -p "$home/config"
  echo '(annotator_name: "Benchmark")' >"$home/config/settings.ron"
  local events=$work/events
  stdbuf -oL xev -root -event substructure >"$events" 2>/dev/null &
  local listener=$!
  sleep 0.3 # let xev connect
  local start=$EPOCHREALTIME
  local state=$work/state-$RANDOM$RANDOM
  HOME=$home SPANWISE_CONFIG_DIR=$home/config XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data \
    SPANWISE_STATE_REPORT=$state "$bin" "$file" >"$work/log" 2>&1 &
  local pid=$!
  local mapped= cpu_ticks= anon_kb=0
  # The largest anonymous (heap) memory seen, sampled while waiting: VmHWM has only the total.
  sample_anon() {
    local kb
    kb=$(awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${kb:-0}" -gt "$anon_kb" ] && anon_kb=$kb
    return 0
  }
  for _ in $(seq 3000); do
    if grep -q '^MapNotify' "$events"; then
      mapped=$EPOCHREALTIME
      # CPU time (all threads, user + system) used until then, in clock ticks.
      cpu_ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
      break
    fi
    kill -0 "$pid" 2>/dev/null || { echo "spanwise exited:" >&2; cat "$work/log" >&2; exit 1; }
    sleep 0.003
  done
  [ -n "$mapped" ] || { echo "no window after 15 s" >&2; exit 1; }
  xdotool search --onlyvisible --name Spanwise >/dev/null || { echo "the mapped window is not Spanwise's" >&2; exit 1; }
  # The project is read on a background thread while the window shows "Opening…": the second
  # figure is the moment the state report says the opening is over and the documents are there.
  local shown= shown_ticks=
  for _ in $(seq 6000); do
    if grep -q '^opening=none' "$state" 2>/dev/null && ! grep -q '^documents=0$' "$state"; then
      shown=$EPOCHREALTIME
      shown_ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
      break
    fi
    kill -0 "$pid" 2>/dev/null || { echo "spanwise exited:" >&2; cat "$work/log" >&2; exit 1; }
    sample_anon
    sleep 0.003
  done
  [ -n "$shown" ] || { echo "the project was not shown after 18 s" >&2; exit 1; }
  for _ in $(seq 40); do
    sample_anon
    sleep 0.05
  done
  local peak_kb rss_kb
  peak_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
  rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  awk '$6 ~ /^\// { print $6 }' "/proc/$pid/maps" | sort -u >"$maps"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  kill "$listener" 2>/dev/null || true
  wait "$listener" 2>/dev/null || true
  echo "$mapped $start $cpu_ticks $(getconf CLK_TCK) $peak_kb $shown $shown_ticks $anon_kb $rss_kb" |
    awk '{ printf "%.3f %.2f %.0f %.3f %.2f %.0f %.0f\n", $1 - $2, $3 / $4, $5 / 1024, $6 - $2, $7 / $4, $8 / 1024, $9 / 1024 }'
}

echo "file: ${1:-benchmark project} ($(du -h "$file" | cut -f1)); load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "start-up: launch to first frame painted (window mapped), and to the project shown (opening over), wall clock and CPU time used by then"
run_once >/dev/null # learn which files a run maps
evict "$bin" "$file" $(cat "$maps")
read -r s cpu mb ps pcpu anon rss < <(run_once)
echo "cold:   first frame ${s} s (CPU ${cpu} s), project shown ${ps} s (CPU ${pcpu} s), peak RSS ${mb} MB (anonymous ${anon} MB), steady ${rss} MB"
warm=()
for i in $(seq "$warm_runs"); do
  read -r s cpu mb ps pcpu anon rss < <(run_once)
  echo "warm $i: first frame ${s} s (CPU ${cpu} s), project shown ${ps} s (CPU ${pcpu} s), peak RSS ${mb} MB (anonymous ${anon} MB), steady ${rss} MB"
  warm+=("$s $cpu $mb $ps $pcpu $anon $rss")
done
# The median of each column on its own (the run with the median start-up need not have the
# median memory).
median() { printf '%s\n' "${warm[@]}" | awk -v c="$1" '{ print $c }' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "warm median of ${#warm[@]}: first frame $(median 1) s (CPU $(median 2) s), project shown $(median 4) s (CPU $(median 5) s), peak RSS $(median 3) MB (anonymous $(median 6) MB), steady $(median 7) MB"
echo "(the real window: Xvfb with software OpenGL; examples/peak_memory.rs measures the app headless)"
