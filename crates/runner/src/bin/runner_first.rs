//! The first part's runner program (built with the `first-part` feature): the runner worker's
//! entry point, with only the snippets of the lessons a first visit opens.

#[cfg(target_arch = "wasm32")]
fn main() {
    runner::worker::boot();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("runner-first is a program for the browser; natively, use `runner`");
    std::process::exit(2);
}
