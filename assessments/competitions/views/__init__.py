"""Pages of 技能比武, one module per audience: judging (评委), boards (leaderboards and the big
screen), organiser (competitions, entrants, rounds), awards (results, awards, exports)."""
