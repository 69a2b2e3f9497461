#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/libc/programs/git-ops.sh - git operations on a scratch repository in
# the current directory, for the real-program test: init, commits, branches,
# a merge, log, diff, blame, gc, fsck. Dates, names and configuration are
# fixed, so two runs print the same bytes.
set -eu

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.com
export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com
tick=1700000000
commit() {
    tick=$((tick + 60))
    GIT_AUTHOR_DATE="@$tick +0000" GIT_COMMITTER_DATE="@$tick +0000" git commit -q "$@"
}

git init -q -b main repo
cd repo
git config gc.auto 0
for i in $(seq 1 200); do
    seq 1 $((i % 37 + 1)) | awk -v f="$i" '{ print "line " $1 " of file " f }' >"file$i.txt"
done
git add .
commit -m "first: 200 files"
git checkout -q -b topic
for i in $(seq 1 200 | awk 'NR % 3 == 0'); do
    echo "topic change $i" >>"file$i.txt"
done
git rm -q file7.txt
commit -am "topic: change every third file"
git checkout -q main
for i in $(seq 1 200 | awk 'NR % 5 == 0'); do
    sed -i '1s/^/main: /' "file$i.txt"
done
commit -am "main: touch every fifth file"
GIT_AUTHOR_DATE="@$((tick + 60)) +0000" GIT_COMMITTER_DATE="@$((tick + 60)) +0000" \
    git merge -q --no-edit topic
git log --oneline --graph --stat | head -40
git diff --stat HEAD~2 HEAD | tail -3
git blame -s file15.txt
git show --format=%H%n%s HEAD~1 -- file30.txt
git gc -q --aggressive
git count-objects -v | grep -v size
git fsck --full --strict
git status --short | wc -l
git rev-parse HEAD
