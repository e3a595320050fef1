# Counting scripts/test's results (sourced by scripts/test; tests source it too, against fabricated result folders).
# A results folder holds one NAME.trx per test project and, for a project whose `dotnet test` failed without a failed
# test in its TRX (no TRX at all, or a partial one: the test host crashed or hung after writing some results), a
# NAME.crashed file whose one line says why. Each .crashed file counts as one failure, so the summary line never says
# "0 failed" for a run that failed.

# test_results_record RESULTS NAME: call when `dotnet test` of project NAME exited non-zero.
test_results_record() {
  local results=$1 name=$2 trx="$1/$2.trx"
  if [ ! -f "$trx" ]; then
    echo "produced no results (crashed or hung)" > "$results/$name.crashed"
  elif ! grep -q '<UnitTestResult [^>]*outcome="Failed"' "$trx"; then
    echo "exited non-zero but its results show no failed test (the test host crashed or hung after writing them)" > "$results/$name.crashed"
  fi
}

# test_results_count RESULTS OUTCOME: UnitTestResult elements with that outcome (Passed, Failed, NotExecuted) in every TRX.
test_results_count() {
  cat "$1"/*.trx 2>/dev/null | grep -o '<UnitTestResult [^>]*outcome="'"$2"'"' | wc -l
}

# test_results_summary RESULTS: names what failed (with the first lines of each message), then prints
# "N passed, N failed, N skipped"; returns 1 when anything failed or no test ran.
test_results_summary() {
  local results=$1 passed failed skipped crashed
  passed=$(test_results_count "$results" Passed)
  crashed=$(find "$results" -maxdepth 1 -name '*.crashed' | wc -l)
  failed=$(( $(test_results_count "$results" Failed) + crashed ))
  skipped=$(test_results_count "$results" NotExecuted)
  if [ "$failed" -gt 0 ]; then
    echo "Failed tests:"
    for trx in "$results"/*.trx; do
      [ -f "$trx" ] || continue
      python3 - "$trx" <<'PY' || grep -o '<UnitTestResult [^>]*outcome="Failed"' "$trx" | grep -o 'testName="[^"]*"'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError:
    sys.exit(1)  # a TRX cut short by a crash: the grep fallback names its failed tests
for r in root.iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") != "Failed":
        continue
    message = r.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=ns).strip().splitlines()
    print("  " + r.get("testName", "?"))
    for line in message[:6]:
        print("    " + line[:300])
PY
    done
    for file in "$results"/*.crashed; do
      [ -f "$file" ] && echo "  $(basename "$file" .crashed): $(head -n 1 "$file")"
    done
  fi
  echo "$passed passed, $failed failed, $skipped skipped"
  if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
    echo "scripts/test: no test ran" >&2
    return 1
  fi
  [ "$failed" -eq 0 ]
}
