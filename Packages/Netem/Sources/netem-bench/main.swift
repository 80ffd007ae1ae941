import Netem
do {
    let s = try KernelSupport.probe()
    print(s)
} catch { print("error: \(error)") }
