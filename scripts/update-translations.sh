#!/usr/bin/env bash
# Refresh the English catalogue after UI text changed, then compile it.
#
#   scripts/update-translations.sh          # extract new/changed strings, compile, report gaps
#
# 1. makemessages re-reads jixiao/**/*.py and templates and merges into
#    jixiao/locale/en/LC_MESSAGES/django.po (existing translations are kept; new strings get an
#    empty msgstr; a changed string may get a "#, fuzzy" guess).
# 2. msgfmt --check compiles django.mo (committed too, so machines without gettext get English).
# 3. If any string is untranslated or fuzzy, they are listed and the script exits 1: translate
#    them in django.po (drop the "#, fuzzy" line once checked) and run the script again.
# Needs GNU gettext (msgfmt, msgattrib, xgettext) and the project virtualenv in .venv.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
po="$root/jixiao/locale/en/LC_MESSAGES/django.po"
mo="${po%.po}.mo"
django_admin="$root/.venv/bin/django-admin"
[ -x "$django_admin" ] || django_admin="django-admin"

mkdir -p "$(dirname "$po")"
cd "$root/jixiao"  # makemessages then writes to jixiao/locale (LOCALE_PATHS)
"$django_admin" makemessages --settings=jixiao.settings -l en \
    --ignore=static --ignore=tests --ignore=node_modules --ignore=.venv \
    --add-location=file --no-obsolete

msgfmt --check --statistics -o "$mo" "$po"

gaps="$(msgattrib --no-wrap --no-location --untranslated "$po"; msgattrib --no-wrap --no-location --only-fuzzy "$po")"
if grep -q '^msgid "..*"' <<<"$gaps"; then
    echo
    echo "Untranslated or fuzzy strings in ${po#"$root"/}:"
    grep -A1 '^msgid "..*"' <<<"$gaps" | grep -v '^--$' | sed 's/^/  /'
    exit 1
fi
echo "English catalogue up to date: ${po#"$root"/} and $(basename "$mo")"
