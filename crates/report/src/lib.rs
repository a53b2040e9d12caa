//! `safeserve-report` draws SafeServe's printable A4 forms from a signed document's frozen content.
