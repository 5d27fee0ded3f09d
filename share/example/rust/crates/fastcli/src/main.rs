fn main() { println!("{}", fastcore::add(1, 2)); }
