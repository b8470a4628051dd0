// A small Rust program for the llvm-cov export reader: built with `rustc -C instrument-coverage`, run once with
// no arguments and once with "square 3", so some functions run in one run only and `never_called` in neither.

fn area(shape: &str, size: u32) -> u32 {
    match shape {
        "square" => size * size,
        "line" => size,
        _ => 0,
    }
}

fn describe(n: u32) -> &'static str {
    if n == 0 {
        "nothing"
    } else if n < 10 {
        "small"
    } else {
        "large"
    }
}

#[allow(dead_code)]
fn never_called(x: u32) -> u32 {
    x + 1
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() == 2 {
        let size = args[1].parse().unwrap_or(0);
        let a = area(&args[0], size);
        println!("{} {}", a, describe(a));
    } else {
        println!("usage: shapes SHAPE SIZE ({})", describe(0));
    }
}
