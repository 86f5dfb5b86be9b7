// The browser's IANA time zone ("Europe/Berlin"), for times shown in the reader's local time.
export function timeZone() {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
