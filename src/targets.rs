//! The response targets a class sets for its tickets, and the defaults for
//! classes that set none. The README states these defaults; change both.

use crate::model::Class;

/// Time from opening to the first activity, when a class names none: 1 day.
pub const DEFAULT_FIRST_RESPONSE: i64 = 86_400;

/// Longest time without an entry while in progress, when a class names
/// none: 7 days.
pub const DEFAULT_RESOLVE: i64 = 7 * 86_400;

/// The first-response target of a class, in seconds.
pub fn first_response(class: &Class) -> i64 {
    class.first_response.unwrap_or(DEFAULT_FIRST_RESPONSE)
}

/// The resolve target of a class, in seconds.
pub fn resolve(class: &Class) -> i64 {
    class.resolve.unwrap_or(DEFAULT_RESOLVE)
}
