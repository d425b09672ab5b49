import asyncio

prices = {"apple": 0.1, "pear": 0.2}
total = 0

async def main():
    global total
    for name, price in prices.items():
        total = total + price
        print(f"{name:>6} {price:.2f} running total {total!r}")
    print(f"total == 0.3 is {total == 0.3}; round trip {float(repr(total)) == total}")
    big = 10 ** 16
    parts = [1, 2.0, None, True, "x", (1,), {"k": [1]}]
    print(f"{big} {float(big)} {7 // 2} {-7 // 2} {7 / 2} {2 ** -1} {-7 % 3}")
    print(f"{parts}")
    print(f"{len(parts)} {parts[-1]['k'][0]} {parts[1:3]} {max(3, 9, 4)} {sorted([3, 1, 2])}")
    print(f"{'yes' if total > 0.3 else 'no'} {not parts} {1 < 2 <= 2} {'x' in parts}")
    print(f"{1234567.891:,.2f}|{42:08.3f}|{'left':<8}|{'mid':^9}|{255:#x}|{0.5:%}|{1e-7}")

asyncio.run(main())
