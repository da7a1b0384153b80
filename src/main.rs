fn main() {
    let t = debugdoctor::Target::open(std::env::args().nth(1).unwrap()).unwrap();
    println!("{:?} {:?}", t.dwarf().map(|d| d.version), t.main_main());
}
