// Tests that fail in the ways libtest words specially (built with `rustc --test`): each must be reported with
// libtest's own words, not the panic message alone or "no test named".

#[test]
#[should_panic(expected = "expected words")]
fn wrong_panic_message() {
    panic!("something else entirely");
}

#[test]
#[should_panic]
fn does_not_panic() {}

#[test]
fn returns_err() -> Result<(), String> {
    Err("the error text".to_string())
}

#[test]
fn exits_zero() {
    std::process::exit(0);
}

#[test]
fn exits_three() {
    std::process::exit(3);
}

#[test]
fn passes() {}
