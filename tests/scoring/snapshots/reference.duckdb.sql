WITH "ibis_memtable" AS (
  SELECT
    CAST('2024-03-01' AS DATE) AS "as_of",
    CAST('2024-03-01' AS DATE) AS "d0",
    CAST('2024-03-01 00:00:00' AS TIMESTAMP) AS "t0",
    CAST('2024-02-02' AS DATE) AS "d28",
    CAST('2024-02-02 00:00:00' AS TIMESTAMP) AS "t28",
    CAST('2024-01-05' AS DATE) AS "d56",
    CAST('2024-01-05 00:00:00' AS TIMESTAMP) AS "t56",
    CAST('2023-03-02' AS DATE) AS "d365",
    CAST('2023-03-02 00:00:00' AS TIMESTAMP) AS "t365"
), "t34" AS (
  SELECT
    "t28"."account_id",
    "t28"."as_of",
    COUNT(*) FILTER(WHERE
      (
        "t28"."end_date" IS NULL
      ) OR (
        "t28"."end_date" > "t28"."as_of"
      )) AS "n_active",
    SUM("t28"."arr") FILTER(WHERE
      (
        "t28"."end_date" IS NULL
      ) OR (
        "t28"."end_date" > "t28"."as_of"
      )) AS "arr",
    SUM("t28"."seats") FILTER(WHERE
      (
        "t28"."end_date" IS NULL
      ) OR (
        "t28"."end_date" > "t28"."as_of"
      )) AS "seats",
    FIRST("t28"."plan" ORDER BY "t28"."start_date" DESC) FILTER(WHERE
      (
        "t28"."end_date" IS NULL
      ) OR (
        "t28"."end_date" > "t28"."as_of"
      )) AS "plan",
    MAX("t28"."end_date") FILTER(WHERE
      (
        "t28"."end_date" IS NULL
      ) OR (
        "t28"."end_date" > "t28"."as_of"
      )) AS "renewal",
    COUNT(*) FILTER(WHERE
      (
        (
          "t28"."end_date" IS NULL
        ) OR (
          "t28"."end_date" > "t28"."as_of"
        )
      )
      AND (
        "t28"."end_date" IS NULL
      )) AS "open_ended",
    MIN("t28"."start_date") AS "first_start"
  FROM (
    SELECT
      "t8"."subscription_id",
      "t8"."account_id",
      "t8"."start_date",
      "t8"."end_date",
      "t8"."arr",
      "t8"."plan",
      "t8"."seats",
      "t8"."status",
      "t14"."as_of"
    FROM "subscriptions" AS "t8"
    INNER JOIN (
      SELECT
        "t1"."as_of"
      FROM "ibis_memtable" AS "t1"
    ) AS "t14"
      ON "t8"."start_date" <= "t14"."as_of"
  ) AS "t28"
  GROUP BY
    1,
    2
)
SELECT
  "t66"."account_id",
  "t66"."as_of",
  "t66"."parent_account_id",
  "t66"."arr",
  "t66"."segment_rule",
  "t66"."m0_raw",
  "t66"."m1_raw",
  "t66"."m2_raw",
  "t66"."m3_raw",
  "t66"."m4_raw",
  "t66"."m0_points",
  "t66"."m0_has_data",
  "t66"."m0_overridden",
  "t66"."m1_points",
  "t66"."m1_has_data",
  "t66"."m1_overridden",
  "t66"."m2_points",
  "t66"."m2_has_data",
  "t66"."m2_overridden",
  "t66"."m3_points",
  "t66"."m3_has_data",
  "t66"."m3_overridden",
  "t66"."m4_points",
  "t66"."m4_has_data",
  "t66"."m4_overridden",
  "t66"."d_usage_score",
  "t66"."d_usage_coverage",
  "t66"."d_relationship_score",
  "t66"."d_relationship_coverage",
  "t66"."d_voice_score",
  "t66"."d_voice_coverage",
  "t66"."score",
  "t66"."coverage",
  "t66"."overridden",
  "t66"."override_reason",
  "t66"."score_scaled",
  "t66"."band",
  "t66"."d_usage_band",
  "t66"."d_usage_weight",
  "t66"."m0_weight",
  "t66"."m0_contribution",
  "t66"."m1_weight",
  "t66"."m1_contribution",
  "t66"."d_relationship_band",
  "t66"."d_relationship_weight",
  "t66"."m2_weight",
  "t66"."m2_contribution",
  "t66"."m3_weight",
  "t66"."m3_contribution",
  "t66"."d_voice_band",
  "t66"."d_voice_weight",
  "t66"."m4_weight",
  "t66"."m4_contribution"
FROM (
  SELECT
    "t65"."account_id",
    "t65"."as_of",
    "t65"."parent_account_id",
    "t65"."arr",
    "t65"."segment_rule",
    "t65"."m0_raw",
    "t65"."m1_raw",
    "t65"."m2_raw",
    "t65"."m3_raw",
    "t65"."m4_raw",
    "t65"."ov_0",
    "t65"."ov_1",
    "t65"."ov_2",
    "t65"."ov_3",
    "t65"."ov_4",
    "t65"."ov_overall",
    "t65"."ov_overall_reason",
    "t65"."m0_points",
    "t65"."m0_has_data",
    "t65"."m0_overridden",
    "t65"."_m0_w",
    "t65"."m1_points",
    "t65"."m1_has_data",
    "t65"."m1_overridden",
    "t65"."_m1_w",
    "t65"."m2_points",
    "t65"."m2_has_data",
    "t65"."m2_overridden",
    "t65"."_m2_w",
    "t65"."m3_points",
    "t65"."m3_has_data",
    "t65"."m3_overridden",
    "t65"."_m3_w",
    "t65"."m4_points",
    "t65"."m4_has_data",
    "t65"."m4_overridden",
    "t65"."_m4_w",
    "t65"."_d_usage_w",
    "t65"."_d_relationship_w",
    "t65"."_d_voice_w",
    "t65"."_d_usage_den",
    "t65"."d_usage_score",
    "t65"."d_usage_coverage",
    "t65"."_d_relationship_den",
    "t65"."d_relationship_score",
    "t65"."d_relationship_coverage",
    "t65"."_d_voice_den",
    "t65"."d_voice_score",
    "t65"."d_voice_coverage",
    "t65"."score",
    "t65"."_comp_den",
    "t65"."coverage",
    "t65"."overridden",
    "t65"."override_reason",
    CAST(ROUND((
      "t65"."score" * 100.0
    ) / 100.0, 9) AS DOUBLE) AS "score_scaled",
    CASE
      WHEN "t65"."segment_rule" = 'enterprise'
      THEN CASE
        WHEN CAST(ROUND((
          "t65"."score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t65"."score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t65"."score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
      ELSE CASE
        WHEN CAST(ROUND((
          "t65"."score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t65"."score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t65"."score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
    END AS "band",
    CASE
      WHEN "t65"."segment_rule" = 'enterprise'
      THEN CASE
        WHEN CAST(ROUND((
          "t65"."d_usage_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t65"."d_usage_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t65"."d_usage_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
      ELSE CASE
        WHEN CAST(ROUND((
          "t65"."d_usage_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t65"."d_usage_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t65"."d_usage_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
    END AS "d_usage_band",
    CASE
      WHEN "t65"."d_usage_score" IS NULL
      THEN 0.0
      ELSE "t65"."_d_usage_w" / NULLIF("t65"."_comp_den", 0.0)
    END AS "d_usage_weight",
    COALESCE(
      CASE
        WHEN "t65"."m0_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t65"."d_usage_score" IS NULL
            THEN 0.0
            ELSE "t65"."_d_usage_w" / NULLIF("t65"."_comp_den", 0.0)
          END * "t65"."_m0_w"
        ) / NULLIF("t65"."_d_usage_den", 0.0)
      END,
      0.0
    ) AS "m0_weight",
    COALESCE("t65"."m0_points", 0.0) * COALESCE(
      CASE
        WHEN "t65"."m0_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t65"."d_usage_score" IS NULL
            THEN 0.0
            ELSE "t65"."_d_usage_w" / NULLIF("t65"."_comp_den", 0.0)
          END * "t65"."_m0_w"
        ) / NULLIF("t65"."_d_usage_den", 0.0)
      END,
      0.0
    ) AS "m0_contribution",
    COALESCE(
      CASE
        WHEN "t65"."m1_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t65"."d_usage_score" IS NULL
            THEN 0.0
            ELSE "t65"."_d_usage_w" / NULLIF("t65"."_comp_den", 0.0)
          END * "t65"."_m1_w"
        ) / NULLIF("t65"."_d_usage_den", 0.0)
      END,
      0.0
    ) AS "m1_weight",
    COALESCE("t65"."m1_points", 0.0) * COALESCE(
      CASE
        WHEN "t65"."m1_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t65"."d_usage_score" IS NULL
            THEN 0.0
            ELSE "t65"."_d_usage_w" / NULLIF("t65"."_comp_den", 0.0)
          END * "t65"."_m1_w"
        ) / NULLIF("t65"."_d_usage_den", 0.0)
      END,
      0.0
    ) AS "m1_contribution",
    CASE
      WHEN "t65"."segment_rule" = 'enterprise'
      THEN CASE
        WHEN CAST(ROUND((
          "t65"."d_relationship_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t65"."d_relationship_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t65"."d_relationship_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
      ELSE CASE
        WHEN CAST(ROUND((
          "t65"."d_relationship_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t65"."d_relationship_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t65"."d_relationship_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
    END AS "d_relationship_band",
    CASE
      WHEN "t65"."d_relationship_score" IS NULL
      THEN 0.0
      ELSE "t65"."_d_relationship_w" / NULLIF("t65"."_comp_den", 0.0)
    END AS "d_relationship_weight",
    COALESCE(
      CASE
        WHEN "t65"."m2_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t65"."d_relationship_score" IS NULL
            THEN 0.0
            ELSE "t65"."_d_relationship_w" / NULLIF("t65"."_comp_den", 0.0)
          END * "t65"."_m2_w"
        ) / NULLIF("t65"."_d_relationship_den", 0.0)
      END,
      0.0
    ) AS "m2_weight",
    COALESCE("t65"."m2_points", 0.0) * COALESCE(
      CASE
        WHEN "t65"."m2_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t65"."d_relationship_score" IS NULL
            THEN 0.0
            ELSE "t65"."_d_relationship_w" / NULLIF("t65"."_comp_den", 0.0)
          END * "t65"."_m2_w"
        ) / NULLIF("t65"."_d_relationship_den", 0.0)
      END,
      0.0
    ) AS "m2_contribution",
    COALESCE(
      CASE
        WHEN "t65"."m3_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t65"."d_relationship_score" IS NULL
            THEN 0.0
            ELSE "t65"."_d_relationship_w" / NULLIF("t65"."_comp_den", 0.0)
          END * "t65"."_m3_w"
        ) / NULLIF("t65"."_d_relationship_den", 0.0)
      END,
      0.0
    ) AS "m3_weight",
    COALESCE("t65"."m3_points", 0.0) * COALESCE(
      CASE
        WHEN "t65"."m3_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t65"."d_relationship_score" IS NULL
            THEN 0.0
            ELSE "t65"."_d_relationship_w" / NULLIF("t65"."_comp_den", 0.0)
          END * "t65"."_m3_w"
        ) / NULLIF("t65"."_d_relationship_den", 0.0)
      END,
      0.0
    ) AS "m3_contribution",
    CASE
      WHEN "t65"."segment_rule" = 'enterprise'
      THEN CASE
        WHEN CAST(ROUND((
          "t65"."d_voice_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t65"."d_voice_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t65"."d_voice_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
      ELSE CASE
        WHEN CAST(ROUND((
          "t65"."d_voice_score" * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        THEN CAST(NULL AS TEXT)
        ELSE CASE
          WHEN CAST(ROUND((
            "t65"."d_voice_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            "t65"."d_voice_score" * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      END
    END AS "d_voice_band",
    CASE
      WHEN "t65"."d_voice_score" IS NULL
      THEN 0.0
      ELSE "t65"."_d_voice_w" / NULLIF("t65"."_comp_den", 0.0)
    END AS "d_voice_weight",
    COALESCE(
      CASE
        WHEN "t65"."m4_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t65"."d_voice_score" IS NULL
            THEN 0.0
            ELSE "t65"."_d_voice_w" / NULLIF("t65"."_comp_den", 0.0)
          END * "t65"."_m4_w"
        ) / NULLIF("t65"."_d_voice_den", 0.0)
      END,
      0.0
    ) AS "m4_weight",
    COALESCE("t65"."m4_points", 0.0) * COALESCE(
      CASE
        WHEN "t65"."m4_points" IS NULL
        THEN 0.0
        ELSE (
          CASE
            WHEN "t65"."d_voice_score" IS NULL
            THEN 0.0
            ELSE "t65"."_d_voice_w" / NULLIF("t65"."_comp_den", 0.0)
          END * "t65"."_m4_w"
        ) / NULLIF("t65"."_d_voice_den", 0.0)
      END,
      0.0
    ) AS "m4_contribution"
  FROM (
    SELECT
      "t64"."account_id",
      "t64"."as_of",
      "t64"."parent_account_id",
      "t64"."arr",
      "t64"."segment_rule",
      "t64"."m0_raw",
      "t64"."m1_raw",
      "t64"."m2_raw",
      "t64"."m3_raw",
      "t64"."m4_raw",
      "t64"."ov_0",
      "t64"."ov_1",
      "t64"."ov_2",
      "t64"."ov_3",
      "t64"."ov_4",
      "t64"."ov_overall",
      "t64"."ov_overall_reason",
      "t64"."m0_points",
      "t64"."m0_has_data",
      "t64"."m0_overridden",
      "t64"."_m0_w",
      "t64"."m1_points",
      "t64"."m1_has_data",
      "t64"."m1_overridden",
      "t64"."_m1_w",
      "t64"."m2_points",
      "t64"."m2_has_data",
      "t64"."m2_overridden",
      "t64"."_m2_w",
      "t64"."m3_points",
      "t64"."m3_has_data",
      "t64"."m3_overridden",
      "t64"."_m3_w",
      "t64"."m4_points",
      "t64"."m4_has_data",
      "t64"."m4_overridden",
      "t64"."_m4_w",
      "t64"."_d_usage_w",
      "t64"."_d_relationship_w",
      "t64"."_d_voice_w",
      "t64"."_d_usage_den",
      "t64"."d_usage_score",
      "t64"."d_usage_coverage",
      "t64"."_d_relationship_den",
      "t64"."d_relationship_score",
      "t64"."d_relationship_coverage",
      "t64"."_d_voice_den",
      "t64"."d_voice_score",
      "t64"."d_voice_coverage",
      CAST(ROUND(
        COALESCE(
          (
            "t64"."ov_overall" * 100.0
          ) / 100.0,
          (
            CASE
              WHEN "t64"."d_usage_score" IS NULL
              THEN 0.0
              ELSE "t64"."d_usage_score" * "t64"."_d_usage_w"
            END + CASE
              WHEN "t64"."d_relationship_score" IS NULL
              THEN 0.0
              ELSE "t64"."d_relationship_score" * "t64"."_d_relationship_w"
            END + CASE
              WHEN "t64"."d_voice_score" IS NULL
              THEN 0.0
              ELSE "t64"."d_voice_score" * "t64"."_d_voice_w"
            END
          ) / NULLIF(
            CASE WHEN "t64"."d_usage_score" IS NULL THEN 0.0 ELSE "t64"."_d_usage_w" END + CASE
              WHEN "t64"."d_relationship_score" IS NULL
              THEN 0.0
              ELSE "t64"."_d_relationship_w"
            END + CASE WHEN "t64"."d_voice_score" IS NULL THEN 0.0 ELSE "t64"."_d_voice_w" END,
            0.0
          )
        ),
        9
      ) AS DOUBLE) AS "score",
      CASE WHEN "t64"."d_usage_score" IS NULL THEN 0.0 ELSE "t64"."_d_usage_w" END + CASE
        WHEN "t64"."d_relationship_score" IS NULL
        THEN 0.0
        ELSE "t64"."_d_relationship_w"
      END + CASE WHEN "t64"."d_voice_score" IS NULL THEN 0.0 ELSE "t64"."_d_voice_w" END AS "_comp_den",
      CAST(ROUND(
        (
          (
            "t64"."d_usage_coverage" * "t64"."_d_usage_w"
          ) + (
            "t64"."d_relationship_coverage" * "t64"."_d_relationship_w"
          ) + (
            "t64"."d_voice_coverage" * "t64"."_d_voice_w"
          )
        ) / (
          "t64"."_d_usage_w" + "t64"."_d_relationship_w" + "t64"."_d_voice_w"
        ),
        9
      ) AS DOUBLE) AS "coverage",
      (
        (
          "t64"."ov_overall" * 100.0
        ) / 100.0
      ) IS NOT NULL AS "overridden",
      "t64"."ov_overall_reason" AS "override_reason"
    FROM (
      SELECT
        "t63"."account_id",
        "t63"."as_of",
        "t63"."parent_account_id",
        "t63"."arr",
        "t63"."segment_rule",
        "t63"."m0_raw",
        "t63"."m1_raw",
        "t63"."m2_raw",
        "t63"."m3_raw",
        "t63"."m4_raw",
        "t63"."ov_0",
        "t63"."ov_1",
        "t63"."ov_2",
        "t63"."ov_3",
        "t63"."ov_4",
        "t63"."ov_overall",
        "t63"."ov_overall_reason",
        "t63"."m0_points",
        "t63"."m0_has_data",
        "t63"."m0_overridden",
        "t63"."_m0_w",
        "t63"."m1_points",
        "t63"."m1_has_data",
        "t63"."m1_overridden",
        "t63"."_m1_w",
        "t63"."m2_points",
        "t63"."m2_has_data",
        "t63"."m2_overridden",
        "t63"."_m2_w",
        "t63"."m3_points",
        "t63"."m3_has_data",
        "t63"."m3_overridden",
        "t63"."_m3_w",
        "t63"."m4_points",
        "t63"."m4_has_data",
        "t63"."m4_overridden",
        "t63"."_m4_w",
        "t63"."_d_usage_w",
        "t63"."_d_relationship_w",
        "t63"."_d_voice_w",
        CASE WHEN "t63"."m0_points" IS NULL THEN 0.0 ELSE "t63"."_m0_w" END + CASE WHEN "t63"."m1_points" IS NULL THEN 0.0 ELSE "t63"."_m1_w" END AS "_d_usage_den",
        CAST(ROUND(
          (
            CASE
              WHEN "t63"."m0_points" IS NULL
              THEN 0.0
              ELSE "t63"."m0_points" * "t63"."_m0_w"
            END + CASE
              WHEN "t63"."m1_points" IS NULL
              THEN 0.0
              ELSE "t63"."m1_points" * "t63"."_m1_w"
            END
          ) / NULLIF(
            CASE WHEN "t63"."m0_points" IS NULL THEN 0.0 ELSE "t63"."_m0_w" END + CASE WHEN "t63"."m1_points" IS NULL THEN 0.0 ELSE "t63"."_m1_w" END,
            0.0
          ),
          9
        ) AS DOUBLE) AS "d_usage_score",
        CAST(ROUND(
          (
            CASE WHEN "t63"."m0_has_data" THEN "t63"."_m0_w" ELSE 0.0 END + CASE WHEN "t63"."m1_has_data" THEN "t63"."_m1_w" ELSE 0.0 END
          ) / (
            "t63"."_m0_w" + "t63"."_m1_w"
          ),
          9
        ) AS DOUBLE) AS "d_usage_coverage",
        CASE WHEN "t63"."m2_points" IS NULL THEN 0.0 ELSE "t63"."_m2_w" END + CASE WHEN "t63"."m3_points" IS NULL THEN 0.0 ELSE "t63"."_m3_w" END AS "_d_relationship_den",
        CAST(ROUND(
          (
            CASE
              WHEN "t63"."m2_points" IS NULL
              THEN 0.0
              ELSE "t63"."m2_points" * "t63"."_m2_w"
            END + CASE
              WHEN "t63"."m3_points" IS NULL
              THEN 0.0
              ELSE "t63"."m3_points" * "t63"."_m3_w"
            END
          ) / NULLIF(
            CASE WHEN "t63"."m2_points" IS NULL THEN 0.0 ELSE "t63"."_m2_w" END + CASE WHEN "t63"."m3_points" IS NULL THEN 0.0 ELSE "t63"."_m3_w" END,
            0.0
          ),
          9
        ) AS DOUBLE) AS "d_relationship_score",
        CAST(ROUND(
          (
            CASE WHEN "t63"."m2_has_data" THEN "t63"."_m2_w" ELSE 0.0 END + CASE WHEN "t63"."m3_has_data" THEN "t63"."_m3_w" ELSE 0.0 END
          ) / (
            "t63"."_m2_w" + "t63"."_m3_w"
          ),
          9
        ) AS DOUBLE) AS "d_relationship_coverage",
        CASE WHEN "t63"."m4_points" IS NULL THEN 0.0 ELSE "t63"."_m4_w" END AS "_d_voice_den",
        CAST(ROUND(
          CASE
            WHEN "t63"."m4_points" IS NULL
            THEN 0.0
            ELSE "t63"."m4_points" * "t63"."_m4_w"
          END / NULLIF(CASE WHEN "t63"."m4_points" IS NULL THEN 0.0 ELSE "t63"."_m4_w" END, 0.0),
          9
        ) AS DOUBLE) AS "d_voice_score",
        CAST(ROUND(CASE WHEN "t63"."m4_has_data" THEN "t63"."_m4_w" ELSE 0.0 END / "t63"."_m4_w", 9) AS DOUBLE) AS "d_voice_coverage"
      FROM (
        SELECT
          "t62"."account_id",
          "t62"."as_of",
          "t62"."parent_account_id",
          "t62"."arr",
          "t62"."segment_rule",
          "t62"."m0_raw",
          "t62"."m1_raw",
          "t62"."m2_raw",
          "t62"."m3_raw",
          "t62"."m4_raw",
          "t62"."ov_0",
          "t62"."ov_1",
          "t62"."ov_2",
          "t62"."ov_3",
          "t62"."ov_4",
          "t62"."ov_overall",
          "t62"."ov_overall_reason",
          COALESCE(
            "t62"."ov_0",
            CASE
              WHEN "t62"."m0_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t62"."m0_raw" <= 0.0
                THEN 0.0
                WHEN "t62"."m0_raw" >= 0.5
                THEN 100.0
                WHEN "t62"."m0_raw" < 0.5
                THEN (
                  (
                    "t62"."m0_raw" - 0.0
                  ) * 200.0
                ) + 0.0
                ELSE 100.0
              END
            END
          ) AS "m0_points",
          (
            "t62"."ov_0" IS NOT NULL
          )
          OR (
            CASE
              WHEN "t62"."m0_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t62"."m0_raw" <= 0.0
                THEN 0.0
                WHEN "t62"."m0_raw" >= 0.5
                THEN 100.0
                WHEN "t62"."m0_raw" < 0.5
                THEN (
                  (
                    "t62"."m0_raw" - 0.0
                  ) * 200.0
                ) + 0.0
                ELSE 100.0
              END
            END IS NOT NULL
          ) AS "m0_has_data",
          "t62"."ov_0" IS NOT NULL AS "m0_overridden",
          1.0 * 2.0 AS "_m0_w",
          COALESCE(
            "t62"."ov_1",
            CASE
              WHEN "t62"."m1_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t62"."m1_raw" >= 50.0
                THEN 100.0
                WHEN "t62"."m1_raw" >= 0.0
                THEN 50.0
                ELSE 0.0
              END
            END
          ) AS "m1_points",
          (
            "t62"."ov_1" IS NOT NULL
          )
          OR (
            CASE
              WHEN "t62"."m1_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t62"."m1_raw" >= 50.0
                THEN 100.0
                WHEN "t62"."m1_raw" >= 0.0
                THEN 50.0
                ELSE 0.0
              END
            END IS NOT NULL
          ) AS "m1_has_data",
          "t62"."ov_1" IS NOT NULL AS "m1_overridden",
          1.0 * 1.0 AS "_m1_w",
          COALESCE(
            COALESCE(
              "t62"."ov_2",
              CASE
                WHEN "t62"."m2_raw" IS NULL
                THEN CAST(NULL AS DOUBLE)
                ELSE CASE
                  WHEN "t62"."m2_raw" <= 10.0
                  THEN 100.0
                  WHEN "t62"."m2_raw" >= 100.0
                  THEN 0.0
                  WHEN "t62"."m2_raw" < 100.0
                  THEN (
                    (
                      "t62"."m2_raw" - 10.0
                    ) * -1.1111111111111112
                  ) + 100.0
                  ELSE 0.0
                END
              END
            ),
            0.0
          ) AS "m2_points",
          (
            "t62"."ov_2" IS NOT NULL
          )
          OR (
            CASE
              WHEN "t62"."m2_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t62"."m2_raw" <= 10.0
                THEN 100.0
                WHEN "t62"."m2_raw" >= 100.0
                THEN 0.0
                WHEN "t62"."m2_raw" < 100.0
                THEN (
                  (
                    "t62"."m2_raw" - 10.0
                  ) * -1.1111111111111112
                ) + 100.0
                ELSE 0.0
              END
            END IS NOT NULL
          ) AS "m2_has_data",
          "t62"."ov_2" IS NOT NULL AS "m2_overridden",
          1.0 * 1.0 AS "_m2_w",
          COALESCE(
            "t62"."ov_3",
            CASE
              WHEN "t62"."m3_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t62"."m3_raw" = TRUE
                THEN 100.0
                WHEN "t62"."m3_raw" = FALSE
                THEN 0.0
                ELSE CAST(NULL AS DOUBLE)
              END
            END
          ) AS "m3_points",
          (
            "t62"."ov_3" IS NOT NULL
          )
          OR (
            CASE
              WHEN "t62"."m3_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t62"."m3_raw" = TRUE
                THEN 100.0
                WHEN "t62"."m3_raw" = FALSE
                THEN 0.0
                ELSE CAST(NULL AS DOUBLE)
              END
            END IS NOT NULL
          ) AS "m3_has_data",
          "t62"."ov_3" IS NOT NULL AS "m3_overridden",
          1.0 * 1.0 AS "_m3_w",
          COALESCE(
            "t62"."ov_4",
            CASE
              WHEN "t62"."m4_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t62"."m4_raw" <= -100.0
                THEN 0.0
                WHEN "t62"."m4_raw" >= 100.0
                THEN 100.0
                WHEN "t62"."m4_raw" < 100.0
                THEN (
                  (
                    "t62"."m4_raw" - -100.0
                  ) * 0.5
                ) + 0.0
                ELSE 100.0
              END
            END
          ) AS "m4_points",
          (
            "t62"."ov_4" IS NOT NULL
          )
          OR (
            CASE
              WHEN "t62"."m4_raw" IS NULL
              THEN CAST(NULL AS DOUBLE)
              ELSE CASE
                WHEN "t62"."m4_raw" <= -100.0
                THEN 0.0
                WHEN "t62"."m4_raw" >= 100.0
                THEN 100.0
                WHEN "t62"."m4_raw" < 100.0
                THEN (
                  (
                    "t62"."m4_raw" - -100.0
                  ) * 0.5
                ) + 0.0
                ELSE 100.0
              END
            END IS NOT NULL
          ) AS "m4_has_data",
          "t62"."ov_4" IS NOT NULL AS "m4_overridden",
          1.0 * 1.0 AS "_m4_w",
          1.0 * CASE WHEN "t62"."segment_rule" = 'enterprise' THEN 20.0 ELSE 40.0 END AS "_d_usage_w",
          1.0 * 30.0 AS "_d_relationship_w",
          1.0 * 30.0 AS "_d_voice_w"
        FROM (
          SELECT
            "t61"."account_id",
            "t61"."as_of",
            "t61"."parent_account_id",
            "t61"."arr",
            "t61"."segment_rule",
            "t61"."m0_raw",
            "t61"."m1_raw",
            "t61"."m2_raw",
            "t61"."m3_raw",
            "t61"."m4_raw",
            "t36"."ov_0",
            "t36"."ov_1",
            "t36"."ov_2",
            "t36"."ov_3",
            "t36"."ov_4",
            "t36"."ov_overall",
            "t36"."ov_overall_reason"
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t58"."account_id",
                "t58"."as_of",
                "t58"."parent_account_id",
                "t58"."arr",
                CASE
                  WHEN (
                    "t58"."segment" = 'enterprise'
                  ) AND (
                    "t58"."arr" >= 100000.0
                  )
                  THEN 'enterprise'
                  ELSE CAST(NULL AS TEXT)
                END AS "segment_rule",
                COALESCE("t58"."usage_events_0", 0.0) / NULLIF(CAST("t58"."seats" AS DOUBLE), 0) AS "m0_raw",
                (
                  (
                    COALESCE("t58"."usage_events_0", 0.0) - COALESCE("t58"."usage_events_1", 0.0)
                  ) * 100.0
                ) / NULLIF(ABS(COALESCE("t58"."usage_events_1", 0.0)), 0) AS "m1_raw",
                CAST(DATE_DIFF('DAY', "t58"."interactions_0", "t58"."as_of") AS DOUBLE) AS "m2_raw",
                COALESCE("t58"."contacts_0", FALSE) AS "m3_raw",
                "t58"."surveys_0" AS "m4_raw"
              FROM (
                SELECT
                  "t57"."account_id",
                  "t57"."name",
                  "t57"."segment",
                  "t57"."industry",
                  "t57"."csm",
                  "t57"."currency",
                  "t57"."customer_since",
                  "t57"."parent_account_id",
                  "t57"."as_of",
                  "t57"."active",
                  "t57"."arr",
                  "t57"."seats",
                  "t57"."plan",
                  "t57"."days_to_renewal",
                  "t57"."tenure_days",
                  "t48"."usage_events_0",
                  "t48"."usage_events_1",
                  "t38"."interactions_0",
                  "t44"."contacts_0",
                  "t50"."surveys_0"
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t15"."account_id",
                      "t15"."name",
                      "t15"."segment",
                      "t15"."industry",
                      "t15"."csm",
                      "t15"."currency",
                      "t15"."customer_since",
                      "t15"."parent_account_id",
                      "t14"."as_of",
                      CASE
                        WHEN (
                          SELECT
                            COUNT(*) AS "CountStar(subscriptions)"
                          FROM "subscriptions" AS "t5"
                        ) = 0
                        THEN (
                          "t15"."customer_since" IS NULL
                        )
                        OR (
                          "t15"."customer_since" <= "t14"."as_of"
                        )
                        ELSE (
                          COALESCE("t40"."n_active", 0) > 0
                        )
                        OR (
                          "t54"."child_active" IS NOT NULL
                        )
                        OR (
                          (
                            "t40"."first_start" IS NULL
                          )
                          AND COALESCE("t15"."customer_since" <= "t14"."as_of", FALSE)
                        )
                      END AS "active",
                      "t40"."arr",
                      "t40"."seats",
                      "t40"."plan",
                      CASE
                        WHEN "t40"."open_ended" > 0
                        THEN CAST(NULL AS BIGINT)
                        ELSE DATE_DIFF('DAY', "t14"."as_of", "t40"."renewal")
                      END AS "days_to_renewal",
                      DATE_DIFF(
                        'DAY',
                        LEAST(
                          "t40"."first_start",
                          CASE
                            WHEN "t15"."customer_since" <= "t14"."as_of"
                            THEN "t15"."customer_since"
                            ELSE NULL
                          END
                        ),
                        "t14"."as_of"
                      ) AS "tenure_days"
                    FROM (
                      SELECT
                        "t2"."account_id",
                        "t2"."name",
                        "t2"."segment",
                        "t2"."industry",
                        "t2"."csm",
                        "t2"."currency",
                        "t2"."customer_since",
                        "t2"."parent_account_id"
                      FROM "accounts" AS "t2"
                    ) AS "t15"
                    CROSS JOIN (
                      SELECT
                        "t1"."as_of"
                      FROM "ibis_memtable" AS "t1"
                    ) AS "t14"
                    LEFT OUTER JOIN "t34" AS "t40"
                      ON "t15"."account_id" = "t40"."account_id" AND "t14"."as_of" = "t40"."as_of"
                    LEFT OUTER JOIN (
                      SELECT
                        "t52"."account_id",
                        "t52"."as_of",
                        TRUE AS "child_active"
                      FROM (
                        SELECT DISTINCT
                          *
                        FROM (
                          SELECT
                            "t23"."parent" AS "account_id",
                            "t47"."as_of"
                          FROM (
                            SELECT
                              *
                            FROM (
                              SELECT
                                "t2"."account_id",
                                "t2"."parent_account_id" AS "parent"
                              FROM "accounts" AS "t2"
                            ) AS "t11"
                            WHERE
                              "t11"."parent" IS NOT NULL
                          ) AS "t23"
                          INNER JOIN (
                            SELECT
                              *
                            FROM "t34" AS "t37"
                            WHERE
                              "t37"."n_active" > 0
                          ) AS "t47"
                            ON "t23"."account_id" = "t47"."account_id"
                        ) AS "t51"
                      ) AS "t52"
                    ) AS "t54"
                      ON "t15"."account_id" = "t54"."account_id" AND "t14"."as_of" = "t54"."as_of"
                  ) AS "t55"
                  WHERE
                    "t55"."active"
                ) AS "t57"
                LEFT OUTER JOIN (
                  SELECT
                    "t41"."account_id",
                    MAKE_DATE(2024, 3, 1) AS "as_of",
                    "t41"."usage_events_0",
                    "t41"."usage_events_1"
                  FROM (
                    SELECT
                      "t30"."account_id",
                      CAST(COUNT(*) FILTER(WHERE
                        (
                          "t30"."event" = 'login'
                        )
                        AND (
                          "t30"."occurred_at" >= MAKE_TIMESTAMP(2024, 2, 2, 0, 0, 0.0)
                        )) AS DOUBLE) AS "usage_events_0",
                      CAST(COUNT(*) FILTER(WHERE
                        (
                          "t30"."event" = 'login'
                        )
                        AND (
                          "t30"."occurred_at" < MAKE_TIMESTAMP(2024, 2, 2, 0, 0, 0.0)
                        )) AS DOUBLE) AS "usage_events_1"
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          "t17"."account_id",
                          "t17"."user_id",
                          "t17"."event",
                          "t17"."occurred_at",
                          "t17"."quantity",
                          CAST("t17"."occurred_at" AS DATE) AS "_day"
                        FROM (
                          SELECT
                            *
                          FROM "usage_events" AS "t6"
                          WHERE
                            "t6"."occurred_at" < MAKE_TIMESTAMP(2024, 3, 1, 0, 0, 0.0)
                            AND "t6"."occurred_at" >= MAKE_TIMESTAMP(2024, 1, 5, 0, 0, 0.0)
                        ) AS "t17"
                      ) AS "t26"
                      WHERE
                        "t26"."occurred_at" >= MAKE_TIMESTAMP(2024, 1, 5, 0, 0, 0.0)
                    ) AS "t30"
                    GROUP BY
                      1
                  ) AS "t41"
                ) AS "t48"
                  ON "t57"."account_id" = "t48"."account_id" AND "t57"."as_of" = "t48"."as_of"
                LEFT OUTER JOIN (
                  SELECT
                    "t32"."account_id",
                    MAKE_DATE(2024, 3, 1) AS "as_of",
                    "t32"."interactions_0"
                  FROM (
                    SELECT
                      "t24"."account_id",
                      CAST(MAX("t24"."occurred_at") FILTER(WHERE
                        "t24"."kind" IN ('meeting', 'qbr')) AS DATE) AS "interactions_0"
                    FROM (
                      SELECT
                        "t16"."interaction_id",
                        "t16"."account_id",
                        "t16"."kind",
                        "t16"."occurred_at",
                        "t16"."direction",
                        "t16"."responded",
                        "t16"."contact_id",
                        "t16"."notes",
                        CAST("t16"."occurred_at" AS DATE) AS "_day"
                      FROM (
                        SELECT
                          *
                        FROM "interactions" AS "t3"
                        WHERE
                          "t3"."occurred_at" < MAKE_TIMESTAMP(2024, 3, 1, 0, 0, 0.0)
                      ) AS "t16"
                    ) AS "t24"
                    GROUP BY
                      1
                  ) AS "t32"
                ) AS "t38"
                  ON "t57"."account_id" = "t38"."account_id" AND "t57"."as_of" = "t38"."as_of"
                LEFT OUTER JOIN (
                  SELECT
                    "t39"."account_id",
                    MAKE_DATE(2024, 3, 1) AS "as_of",
                    "t39"."contacts_0"
                  FROM (
                    SELECT
                      "t25"."account_id",
                      COUNT(*) FILTER(WHERE
                        (
                          "t25"."is_champion" = TRUE
                        )
                        AND (
                          (
                            (
                              "t25"."started_at" IS NULL
                            )
                            OR (
                              "t25"."started_at" < MAKE_DATE(2024, 3, 1)
                            )
                          )
                          AND (
                            (
                              "t25"."ended_at" IS NULL
                            ) OR (
                              "t25"."ended_at" >= MAKE_DATE(2024, 3, 1)
                            )
                          )
                        )) > 0 AS "contacts_0"
                    FROM (
                      SELECT
                        "t20"."contact_id",
                        "t20"."account_id",
                        "t20"."name",
                        "t20"."email",
                        "t20"."role",
                        "t20"."is_champion",
                        "t20"."is_decision_maker",
                        "t20"."started_at",
                        "t20"."ended_at",
                        "t20"."started_at" AS "_day"
                      FROM (
                        SELECT
                          *
                        FROM "contacts" AS "t4"
                        WHERE
                          (
                            "t4"."started_at" IS NULL
                          )
                          OR (
                            "t4"."started_at" < MAKE_DATE(2024, 3, 1)
                          )
                      ) AS "t20"
                    ) AS "t25"
                    GROUP BY
                      1
                  ) AS "t39"
                ) AS "t44"
                  ON "t57"."account_id" = "t44"."account_id" AND "t57"."as_of" = "t44"."as_of"
                LEFT OUTER JOIN (
                  SELECT
                    "t46"."account_id",
                    MAKE_DATE(2024, 3, 1) AS "as_of",
                    "t46"."surveys_0"
                  FROM (
                    SELECT
                      "t31"."account_id",
                      (
                        (
                          COUNT(*) FILTER(WHERE
                            (
                              "t31"."kind" = 'nps'
                            ) AND (
                              "t31"."score" >= 9
                            )) - COUNT(*) FILTER(WHERE
                            (
                              "t31"."kind" = 'nps'
                            ) AND (
                              "t31"."score" <= 6
                            ))
                        ) * 100.0
                      ) / NULLIF(COUNT(*) FILTER(WHERE
                        "t31"."kind" = 'nps'), 0) AS "surveys_0"
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          "t18"."response_id",
                          "t18"."account_id",
                          "t18"."contact_id",
                          "t18"."kind",
                          "t18"."score",
                          "t18"."answered_at",
                          "t18"."comment",
                          CAST("t18"."answered_at" AS DATE) AS "_day"
                        FROM (
                          SELECT
                            *
                          FROM "surveys" AS "t7"
                          WHERE
                            "t7"."answered_at" < MAKE_TIMESTAMP(2024, 3, 1, 0, 0, 0.0)
                            AND "t7"."answered_at" >= MAKE_TIMESTAMP(2023, 3, 2, 0, 0, 0.0)
                        ) AS "t18"
                      ) AS "t27"
                      WHERE
                        "t27"."answered_at" >= MAKE_TIMESTAMP(2023, 3, 2, 0, 0, 0.0)
                    ) AS "t31"
                    GROUP BY
                      1
                  ) AS "t46"
                ) AS "t50"
                  ON "t57"."account_id" = "t50"."account_id" AND "t57"."as_of" = "t50"."as_of"
              ) AS "t58"
            ) AS "t59"
          ) AS "t61"
          LEFT OUTER JOIN (
            SELECT
              "t29"."account_id",
              "t29"."as_of",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'usage.logins_per_seat_28d') AS "ov_0",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'usage.login_trend') AS "ov_1",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'relationship.days_since_meeting') AS "ov_2",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'relationship.champion_present') AS "ov_3",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'voice.nps_365d') AS "ov_4",
              FIRST("t29"."value" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'overall') AS "ov_overall",
              FIRST("t29"."reason" ORDER BY "t29"."created_at" DESC) FILTER(WHERE
                "t29"."target" = 'overall') AS "ov_overall_reason"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t19"."override_id",
                  "t19"."account_id",
                  "t19"."scorecard",
                  "t19"."target",
                  "t19"."value",
                  "t19"."reason",
                  "t19"."valid_from",
                  "t19"."until",
                  "t19"."author",
                  "t19"."created_at",
                  "t14"."as_of"
                FROM (
                  SELECT
                    *
                  FROM "health_overrides" AS "t0"
                  WHERE
                    "t0"."scorecard" = 'reference'
                ) AS "t19"
                CROSS JOIN (
                  SELECT
                    "t1"."as_of"
                  FROM "ibis_memtable" AS "t1"
                ) AS "t14"
              ) AS "t22"
              WHERE
                "t22"."valid_from" <= "t22"."as_of" AND "t22"."as_of" < "t22"."until"
            ) AS "t29"
            GROUP BY
              1,
              2
          ) AS "t36"
            ON "t61"."account_id" = "t36"."account_id" AND "t61"."as_of" = "t36"."as_of"
        ) AS "t62"
      ) AS "t63"
    ) AS "t64"
  ) AS "t65"
) AS "t66"
