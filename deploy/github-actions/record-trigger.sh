#!/usr/bin/env bash
# Records a manual rotation trigger in the stack files on the default branch, for rotate.yml.
#
# The stack file is where rotationTrigger lives for every later run: a scheduled run reads the
# default branch. A trigger applied but not committed there would be undone by the next scheduled
# run (the value changes back, so every credential rotates a second time). So the trigger is
# applied only once it is on the default branch, and the rotation jobs check that branch out.
#
# Environment: ROTATION_TRIGGER (the value), STACKS (the JSON of stacks.mjs: name, ref, file),
# DEFAULT_BRANCH; optional RUN_URL, GITHUB_RUN_ID, GITHUB_OUTPUT. Runs in the project directory,
# a clone of the default branch, logged in to the Pulumi backend (`pulumi config set` loads the
# stack), with `git push` credentials (actions/checkout's token) and `gh` for the pull request.
#
# Outcomes (`outcome=` in GITHUB_OUTPUT), exit status:
# - unchanged, 0: every stack file already holds this trigger (a re-submitted trigger): nothing to
#   commit, and the rotation runs (it retries a rotation that failed before);
# - pushed, 0: one commit on the default branch; a concurrent push is absorbed by starting over
#   from the new head (up to 3 times);
# - pull-request, 1: the default branch refused the push (branch protection, a ruleset): the
#   commit goes to a branch rotation-trigger/<run id> with a pull request, and the job fails so
#   that no rotation runs with a trigger the default branch does not hold; merging the pull request
#   applies it at the next run (the next schedule, or a dispatch without a trigger).
set -euo pipefail

: "${ROTATION_TRIGGER:?}" "${STACKS:?}" "${DEFAULT_BRANCH:?}"
run_id="${GITHUB_RUN_ID:-$(date -u +%Y%m%d%H%M%S)}"

output() {
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then echo "$1" >>"$GITHUB_OUTPUT"; fi
}

# One "ref<TAB>file" line per stack.
mapfile -t stacks < <(
  node -e 'for (const s of JSON.parse(process.env.STACKS)) console.log(`${s.ref}\t${s.file}`)'
)
if [[ ${#stacks[@]} -eq 0 ]]; then
  echo "::error::No stack to record the rotation trigger in (STACKS: ${STACKS})."
  exit 1
fi
names=$(node -e 'console.log(JSON.parse(process.env.STACKS).map((s) => s.name).join(", "))')
message="Rotation trigger ${ROTATION_TRIGGER} for stack ${names}"

git config user.name "github-actions[bot]"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"

# Writes the trigger with the CLI (its own key and file handling), into the stack files only where
# it differs, and stages them; true when something is staged. Called as an `if` condition, where
# `set -e` does not apply: a failing command exits explicitly.
write_trigger() {
  local line ref file current
  for line in "${stacks[@]}"; do
    ref="${line%%$'\t'*}"
    file="${line#*$'\t'}"
    current=$(pulumi config get rotationTrigger --stack "$ref" 2>/dev/null || true)
    if [[ "$current" != "$ROTATION_TRIGGER" ]]; then
      pulumi config set rotationTrigger "$ROTATION_TRIGGER" --stack "$ref" || exit 1
    fi
    git add -- "$file" || exit 1
  done
  ! git diff --cached --quiet
}

for attempt in 1 2 3; do
  if ! write_trigger; then
    echo "::notice::Rotation trigger ${ROTATION_TRIGGER} is already in the stack files of ${names}: nothing to commit."
    output "outcome=unchanged"
    exit 0
  fi
  git commit --quiet -m "$message" -m "${RUN_URL:-}"
  if push_log=$(git push origin "HEAD:refs/heads/${DEFAULT_BRANCH}" 2>&1); then
    echo "$push_log"
    echo "::notice::Rotation trigger ${ROTATION_TRIGGER} committed to ${DEFAULT_BRANCH} for ${names}."
    output "outcome=pushed"
    exit 0
  fi
  echo "$push_log"
  # Someone pushed meanwhile ("[rejected] ... (fetch first)" / "(non-fast-forward)"): start over
  # from the new head. Anything else ("[remote rejected]": a protected branch, a ruleset) is a
  # refusal that retrying does not change.
  if ! grep -qE '\((fetch first|non-fast-forward)\)' <<<"$push_log" || [[ $attempt == 3 ]]; then
    break
  fi
  git fetch --quiet origin "$DEFAULT_BRANCH"
  git reset --quiet --hard FETCH_HEAD
done

if grep -qE '\((fetch first|non-fast-forward)\)' <<<"$push_log"; then
  echo "::error::The default branch ${DEFAULT_BRANCH} kept moving; the rotation trigger was not recorded. Run the workflow again."
  exit 1
fi

# The default branch refused the push: propose the change instead.
branch="rotation-trigger/${run_id}"
output "outcome=pull-request"
if ! git push origin "HEAD:refs/heads/${branch}"; then
  echo "::error::The default branch ${DEFAULT_BRANCH} refused the rotation trigger commit, and so did a new branch ${branch}. Set rotationTrigger (pulumi config set rotationTrigger '${ROTATION_TRIGGER}' --stack <stack>) through a pull request, then run this workflow without a trigger."
  exit 1
fi
body="The default branch refused the push of this rotation trigger (branch protection or a ruleset), so the run that asked for it ($([[ -n "${RUN_URL:-}" ]] && echo "${RUN_URL}" || echo "run ${run_id}")) did not rotate.

Merge this pull request: the next run of the rotation workflow (the daily schedule, or a manual run without a trigger) rotates every credential of ${names}. Until then no run applies it: a trigger that is not on ${DEFAULT_BRANCH} would be undone by the next scheduled run."
if pr_url=$(gh pr create --base "$DEFAULT_BRANCH" --head "$branch" --title "$message" --body "$body"); then
  output "pull-request=${pr_url}"
  echo "::error::The default branch ${DEFAULT_BRANCH} refused the rotation trigger commit: merge ${pr_url}, then run the workflow again (or wait for the next scheduled run). Nothing was rotated."
else
  echo "::error::The default branch ${DEFAULT_BRANCH} refused the rotation trigger commit; it is on branch ${branch}, but opening a pull request failed (allow GitHub Actions to create pull requests in the repository settings, or open it by hand). Merge it, then run the workflow again. Nothing was rotated."
fi
exit 1
