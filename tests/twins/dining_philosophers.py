import asyncio

forks = [asyncio.Lock() for _ in range(5)]


async def philosopher(name, seat, left, right):
    await asyncio.sleep(0.25 * seat)
    for meal in range(3):
        await asyncio.sleep(1.0)  # thinking: 1s give or take 50% under asim explore
        async with left:
            await asyncio.sleep(0.2)  # reaching for the other fork
            async with right:
                print(f"{name} eats meal {meal + 1}")
                await asyncio.sleep(0.2)  # eating
    print(f"{name} is full")


async def main():
    names = ["Aristotle", "Kant", "Spinoza", "Marx", "Russell"]
    await asyncio.gather(*(philosopher(n, i, forks[i], forks[(i + 1) % 5]) for i, n in enumerate(names)))
    print("everyone ate")


asyncio.run(main())
