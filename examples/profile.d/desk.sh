# desk's login banner: copy to /etc/profile.d/desk.sh, or source it from
# ~/.profile.
#
# It runs only in an interactive shell writing to a terminal, so scp, rsync,
# cron and `ssh host command` never see it. Anyone can silence it with
# DESK_NO_BANNER=1 (set before this runs) or with a ~/.hushlogin file.
# `timeout 1` keeps a stuck disk from holding up the login (in the
# foreground, so that a terminal set to `stty tostop` still shows the banner
# instead of stopping it); `desk banner`
# itself gives up on a locked database after a quarter of a second, and
# always exits 0.
if [ -t 1 ] && [ -z "${DESK_NO_BANNER-}" ] && [ ! -e "${HOME:-/}/.hushlogin" ]; then
    case $- in
        *i*)
            if command -v desk >/dev/null 2>&1; then
                if command -v timeout >/dev/null 2>&1; then
                    timeout --foreground 1 desk banner
                else
                    desk banner
                fi
            fi
            ;;
    esac
fi
