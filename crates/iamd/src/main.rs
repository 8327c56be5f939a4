//! The `iamd` binary: the offline policy tools and (later) the server.
fn main() {
    println!("iamd");
}
