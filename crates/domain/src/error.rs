use thiserror::Error;

/// Why a value was refused, worded exactly as Django REST Framework words it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    /// A required field was absent.
    #[error("This field is required.")]
    Required,
    /// A field was explicitly `null`.
    #[error("This field may not be null.")]
    Null,
    /// A text field was empty or only whitespace.
    #[error("This field may not be blank.")]
    Blank,
    /// A text field was longer than allowed.
    #[error("Ensure this field has no more than {max} characters.")]
    TooLong {
        /// The largest number of characters allowed.
        max: usize,
    },
    /// A username held characters outside letters, digits and `@.+-_`.
    #[error(
        "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."
    )]
    InvalidUsername,
    /// An email address was malformed.
    #[error("Enter a valid email address.")]
    InvalidEmail,
    /// A value is not one of a fixed set of choices.
    #[error("\"{0}\" is not a valid choice.")]
    InvalidChoice(String),
    /// A number was expected.
    #[error("A valid integer is required.")]
    NotAnInteger,
    /// A number below the smallest allowed.
    #[error("Ensure this value is greater than or equal to {min}.")]
    TooSmall {
        /// The smallest allowed.
        min: i64,
    },
    /// A number above the largest allowed.
    #[error("Ensure this value is less than or equal to {max}.")]
    TooLarge {
        /// The largest allowed.
        max: i64,
    },
    /// A true/false field held something else.
    #[error("Must be a valid boolean.")]
    NotABoolean,
    /// A date-time was not RFC 3339 with an offset.
    #[error("Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].")]
    DateTimeFormat,
    /// A start that is not on the event's date in its zone.
    #[error("Must fall on the event's date in its time zone.")]
    OffDate,
    /// A time that must come after another (named) did not.
    #[error("Must be after {0}.")]
    MustBeAfter(&'static str),
    /// A date in a request body was not `YYYY-MM-DD`.
    #[error("Date has wrong format. Use one of these formats instead: YYYY-MM-DD.")]
    DateFormat,
}
