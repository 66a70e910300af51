-- referral-onward share = later-visited citizens / citizens with an ended course.
SELECT e.scope,
       count(DISTINCT e.citizen) AS ended_citizens,
       count(DISTINCT v.citizen) AS later_visited
FROM ended_courses AS e
LEFT JOIN later_visited_citizens AS v USING (scope, citizen)
GROUP BY e.scope
