# leaderboard: exported by `asim export python scenarios/leaderboard.yaml`
import asyncio

players = [('ann', 0.3), ('bob', 0.1), ('cy', 0.2), ('dee', 0.1)]
scores = {}


async def play(name, pace):
    for rnd in range(3):
        await asyncio.sleep(pace)
        scores[name] = scores.get(name, 0) + (3 - rnd)
    return name


async def main():
    finish = await asyncio.gather(*[play(n, p) for n, p in players])
    ranking = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    print(f"finished {finish}")
    print(f"ranking {[n for n, _ in ranking]}")
    print(f"total {sum(s for s in scores.values())}, all scored {all(s > 0 for s in scores.values())}")
    fastest = min(players, key=lambda p: p[1])
    print(f"fastest {fastest[0]}, by pace { {n: p * 3 for n, p in players} }")
    players.sort(key=lambda p: p[1])
    print(f"by pace {[n for n, _ in players]}, by name {sorted(scores, key=str.upper, reverse=True)}")


asyncio.run(main())
