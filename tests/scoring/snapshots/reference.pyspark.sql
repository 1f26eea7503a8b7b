WITH `ibis_memtable` AS (
  SELECT
    CAST('2024-03-01' AS DATE) AS `as_of`,
    CAST('2024-03-01' AS DATE) AS `d0`,
    CAST('2024-03-01 00:00:00' AS TIMESTAMP) AS `t0`,
    CAST('2024-02-02' AS DATE) AS `d28`,
    CAST('2024-02-02 00:00:00' AS TIMESTAMP) AS `t28`,
    CAST('2024-01-05' AS DATE) AS `d56`,
    CAST('2024-01-05 00:00:00' AS TIMESTAMP) AS `t56`,
    CAST('2023-03-02' AS DATE) AS `d365`,
    CAST('2023-03-02 00:00:00' AS TIMESTAMP) AS `t365`
), `t33` AS (
  SELECT
    `t27`.`account_id`,
    `t27`.`as_of`,
    SUM(
      CAST((
        `t27`.`end_date` IS NULL
      ) OR (
        `t27`.`end_date` > `t27`.`as_of`
      ) AS BIGINT)
    ) AS `n_active`,
    SUM(
      IF(
        (
          `t27`.`end_date` IS NULL
        ) OR (
          `t27`.`end_date` > `t27`.`as_of`
        ),
        `t27`.`arr`,
        NULL
      )
    ) AS `arr`,
    SUM(
      IF(
        (
          `t27`.`end_date` IS NULL
        ) OR (
          `t27`.`end_date` > `t27`.`as_of`
        ),
        `t27`.`seats`,
        NULL
      )
    ) AS `seats`,
    MAX_BY(
      IF(
        (
          `t27`.`end_date` IS NULL
        ) OR (
          `t27`.`end_date` > `t27`.`as_of`
        ),
        `t27`.`plan`,
        NULL
      ),
      IF(
        (
          `t27`.`end_date` IS NULL
        ) OR (
          `t27`.`end_date` > `t27`.`as_of`
        ),
        `t27`.`start_date`,
        NULL
      )
    ) AS `plan`,
    MAX(
      IF(
        (
          `t27`.`end_date` IS NULL
        ) OR (
          `t27`.`end_date` > `t27`.`as_of`
        ),
        `t27`.`end_date`,
        NULL
      )
    ) AS `renewal`,
    SUM(
      CAST((
        (
          `t27`.`end_date` IS NULL
        ) OR (
          `t27`.`end_date` > `t27`.`as_of`
        )
      )
      AND (
        `t27`.`end_date` IS NULL
      ) AS BIGINT)
    ) AS `open_ended`,
    MIN(`t27`.`start_date`) AS `first_start`
  FROM (
    SELECT
      `t8`.`subscription_id`,
      `t8`.`account_id`,
      `t8`.`start_date`,
      `t8`.`end_date`,
      `t8`.`arr`,
      `t8`.`plan`,
      `t8`.`seats`,
      `t8`.`status`,
      `t13`.`as_of`
    FROM `subscriptions` AS `t8`
    INNER JOIN (
      SELECT
        `t1`.`as_of`
      FROM `ibis_memtable` AS `t1`
    ) AS `t13`
      ON `t8`.`start_date` <= `t13`.`as_of`
  ) AS `t27`
  GROUP BY
    1,
    2
)
SELECT
  `t65`.`account_id`,
  `t65`.`as_of`,
  `t65`.`parent_account_id`,
  `t65`.`arr`,
  `t65`.`segment_rule`,
  `t65`.`m0_raw`,
  `t65`.`m1_raw`,
  `t65`.`m2_raw`,
  `t65`.`m3_raw`,
  `t65`.`m4_raw`,
  `t65`.`m0_points`,
  `t65`.`m0_has_data`,
  `t65`.`m0_overridden`,
  `t65`.`m1_points`,
  `t65`.`m1_has_data`,
  `t65`.`m1_overridden`,
  `t65`.`m2_points`,
  `t65`.`m2_has_data`,
  `t65`.`m2_overridden`,
  `t65`.`m3_points`,
  `t65`.`m3_has_data`,
  `t65`.`m3_overridden`,
  `t65`.`m4_points`,
  `t65`.`m4_has_data`,
  `t65`.`m4_overridden`,
  `t65`.`d_usage_score`,
  `t65`.`d_usage_coverage`,
  `t65`.`d_relationship_score`,
  `t65`.`d_relationship_coverage`,
  `t65`.`d_voice_score`,
  `t65`.`d_voice_coverage`,
  `t65`.`score`,
  `t65`.`coverage`,
  `t65`.`overridden`,
  `t65`.`override_reason`,
  `t65`.`score_scaled`,
  `t65`.`band`,
  `t65`.`d_usage_band`,
  `t65`.`d_usage_weight`,
  `t65`.`m0_weight`,
  `t65`.`m0_contribution`,
  `t65`.`m1_weight`,
  `t65`.`m1_contribution`,
  `t65`.`d_relationship_band`,
  `t65`.`d_relationship_weight`,
  `t65`.`m2_weight`,
  `t65`.`m2_contribution`,
  `t65`.`m3_weight`,
  `t65`.`m3_contribution`,
  `t65`.`d_voice_band`,
  `t65`.`d_voice_weight`,
  `t65`.`m4_weight`,
  `t65`.`m4_contribution`
FROM (
  SELECT
    `t64`.`account_id`,
    `t64`.`as_of`,
    `t64`.`parent_account_id`,
    `t64`.`arr`,
    `t64`.`segment_rule`,
    `t64`.`m0_raw`,
    `t64`.`m1_raw`,
    `t64`.`m2_raw`,
    `t64`.`m3_raw`,
    `t64`.`m4_raw`,
    `t64`.`ov_0`,
    `t64`.`ov_1`,
    `t64`.`ov_2`,
    `t64`.`ov_3`,
    `t64`.`ov_4`,
    `t64`.`ov_overall`,
    `t64`.`ov_overall_reason`,
    `t64`.`m0_points`,
    `t64`.`m0_has_data`,
    `t64`.`m0_overridden`,
    `t64`.`_m0_w`,
    `t64`.`m1_points`,
    `t64`.`m1_has_data`,
    `t64`.`m1_overridden`,
    `t64`.`_m1_w`,
    `t64`.`m2_points`,
    `t64`.`m2_has_data`,
    `t64`.`m2_overridden`,
    `t64`.`_m2_w`,
    `t64`.`m3_points`,
    `t64`.`m3_has_data`,
    `t64`.`m3_overridden`,
    `t64`.`_m3_w`,
    `t64`.`m4_points`,
    `t64`.`m4_has_data`,
    `t64`.`m4_overridden`,
    `t64`.`_m4_w`,
    `t64`.`_d_usage_w`,
    `t64`.`_d_relationship_w`,
    `t64`.`_d_voice_w`,
    `t64`.`_d_usage_den`,
    `t64`.`d_usage_score`,
    `t64`.`d_usage_coverage`,
    `t64`.`_d_relationship_den`,
    `t64`.`d_relationship_score`,
    `t64`.`d_relationship_coverage`,
    `t64`.`_d_voice_den`,
    `t64`.`d_voice_score`,
    `t64`.`d_voice_coverage`,
    `t64`.`score`,
    `t64`.`_comp_den`,
    `t64`.`coverage`,
    `t64`.`overridden`,
    `t64`.`override_reason`,
    CAST(ROUND((
      `t64`.`score` * 100.0
    ) / 100.0, 9) AS DOUBLE) AS `score_scaled`,
    CASE
      WHEN `t64`.`segment_rule` = 'enterprise'
      THEN IF(
        CAST(ROUND((
          `t64`.`score` * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        OR ISNAN(CAST(ROUND((
          `t64`.`score` * 100.0
        ) / 100.0, 9) AS DOUBLE)),
        CAST(NULL AS STRING),
        CASE
          WHEN CAST(ROUND((
            `t64`.`score` * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            `t64`.`score` * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      )
      ELSE IF(
        CAST(ROUND((
          `t64`.`score` * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        OR ISNAN(CAST(ROUND((
          `t64`.`score` * 100.0
        ) / 100.0, 9) AS DOUBLE)),
        CAST(NULL AS STRING),
        CASE
          WHEN CAST(ROUND((
            `t64`.`score` * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            `t64`.`score` * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      )
    END AS `band`,
    CASE
      WHEN `t64`.`segment_rule` = 'enterprise'
      THEN IF(
        CAST(ROUND((
          `t64`.`d_usage_score` * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        OR ISNAN(CAST(ROUND((
          `t64`.`d_usage_score` * 100.0
        ) / 100.0, 9) AS DOUBLE)),
        CAST(NULL AS STRING),
        CASE
          WHEN CAST(ROUND((
            `t64`.`d_usage_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            `t64`.`d_usage_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      )
      ELSE IF(
        CAST(ROUND((
          `t64`.`d_usage_score` * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        OR ISNAN(CAST(ROUND((
          `t64`.`d_usage_score` * 100.0
        ) / 100.0, 9) AS DOUBLE)),
        CAST(NULL AS STRING),
        CASE
          WHEN CAST(ROUND((
            `t64`.`d_usage_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            `t64`.`d_usage_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      )
    END AS `d_usage_band`,
    IF(
      `t64`.`d_usage_score` IS NULL OR ISNAN(`t64`.`d_usage_score`),
      0.0,
      `t64`.`_d_usage_w` / NULLIF(`t64`.`_comp_den`, 0.0)
    ) AS `d_usage_weight`,
    COALESCE(
      IF(
        `t64`.`m0_points` IS NULL OR ISNAN(`t64`.`m0_points`),
        0.0,
        (
          IF(
            `t64`.`d_usage_score` IS NULL OR ISNAN(`t64`.`d_usage_score`),
            0.0,
            `t64`.`_d_usage_w` / NULLIF(`t64`.`_comp_den`, 0.0)
          ) * `t64`.`_m0_w`
        ) / NULLIF(`t64`.`_d_usage_den`, 0.0)
      ),
      0.0
    ) AS `m0_weight`,
    COALESCE(`t64`.`m0_points`, 0.0) * COALESCE(
      IF(
        `t64`.`m0_points` IS NULL OR ISNAN(`t64`.`m0_points`),
        0.0,
        (
          IF(
            `t64`.`d_usage_score` IS NULL OR ISNAN(`t64`.`d_usage_score`),
            0.0,
            `t64`.`_d_usage_w` / NULLIF(`t64`.`_comp_den`, 0.0)
          ) * `t64`.`_m0_w`
        ) / NULLIF(`t64`.`_d_usage_den`, 0.0)
      ),
      0.0
    ) AS `m0_contribution`,
    COALESCE(
      IF(
        `t64`.`m1_points` IS NULL OR ISNAN(`t64`.`m1_points`),
        0.0,
        (
          IF(
            `t64`.`d_usage_score` IS NULL OR ISNAN(`t64`.`d_usage_score`),
            0.0,
            `t64`.`_d_usage_w` / NULLIF(`t64`.`_comp_den`, 0.0)
          ) * `t64`.`_m1_w`
        ) / NULLIF(`t64`.`_d_usage_den`, 0.0)
      ),
      0.0
    ) AS `m1_weight`,
    COALESCE(`t64`.`m1_points`, 0.0) * COALESCE(
      IF(
        `t64`.`m1_points` IS NULL OR ISNAN(`t64`.`m1_points`),
        0.0,
        (
          IF(
            `t64`.`d_usage_score` IS NULL OR ISNAN(`t64`.`d_usage_score`),
            0.0,
            `t64`.`_d_usage_w` / NULLIF(`t64`.`_comp_den`, 0.0)
          ) * `t64`.`_m1_w`
        ) / NULLIF(`t64`.`_d_usage_den`, 0.0)
      ),
      0.0
    ) AS `m1_contribution`,
    CASE
      WHEN `t64`.`segment_rule` = 'enterprise'
      THEN IF(
        CAST(ROUND((
          `t64`.`d_relationship_score` * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        OR ISNAN(CAST(ROUND((
          `t64`.`d_relationship_score` * 100.0
        ) / 100.0, 9) AS DOUBLE)),
        CAST(NULL AS STRING),
        CASE
          WHEN CAST(ROUND((
            `t64`.`d_relationship_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            `t64`.`d_relationship_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      )
      ELSE IF(
        CAST(ROUND((
          `t64`.`d_relationship_score` * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        OR ISNAN(CAST(ROUND((
          `t64`.`d_relationship_score` * 100.0
        ) / 100.0, 9) AS DOUBLE)),
        CAST(NULL AS STRING),
        CASE
          WHEN CAST(ROUND((
            `t64`.`d_relationship_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            `t64`.`d_relationship_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      )
    END AS `d_relationship_band`,
    IF(
      `t64`.`d_relationship_score` IS NULL OR ISNAN(`t64`.`d_relationship_score`),
      0.0,
      `t64`.`_d_relationship_w` / NULLIF(`t64`.`_comp_den`, 0.0)
    ) AS `d_relationship_weight`,
    COALESCE(
      IF(
        `t64`.`m2_points` IS NULL OR ISNAN(`t64`.`m2_points`),
        0.0,
        (
          IF(
            `t64`.`d_relationship_score` IS NULL OR ISNAN(`t64`.`d_relationship_score`),
            0.0,
            `t64`.`_d_relationship_w` / NULLIF(`t64`.`_comp_den`, 0.0)
          ) * `t64`.`_m2_w`
        ) / NULLIF(`t64`.`_d_relationship_den`, 0.0)
      ),
      0.0
    ) AS `m2_weight`,
    COALESCE(`t64`.`m2_points`, 0.0) * COALESCE(
      IF(
        `t64`.`m2_points` IS NULL OR ISNAN(`t64`.`m2_points`),
        0.0,
        (
          IF(
            `t64`.`d_relationship_score` IS NULL OR ISNAN(`t64`.`d_relationship_score`),
            0.0,
            `t64`.`_d_relationship_w` / NULLIF(`t64`.`_comp_den`, 0.0)
          ) * `t64`.`_m2_w`
        ) / NULLIF(`t64`.`_d_relationship_den`, 0.0)
      ),
      0.0
    ) AS `m2_contribution`,
    COALESCE(
      IF(
        `t64`.`m3_points` IS NULL OR ISNAN(`t64`.`m3_points`),
        0.0,
        (
          IF(
            `t64`.`d_relationship_score` IS NULL OR ISNAN(`t64`.`d_relationship_score`),
            0.0,
            `t64`.`_d_relationship_w` / NULLIF(`t64`.`_comp_den`, 0.0)
          ) * `t64`.`_m3_w`
        ) / NULLIF(`t64`.`_d_relationship_den`, 0.0)
      ),
      0.0
    ) AS `m3_weight`,
    COALESCE(`t64`.`m3_points`, 0.0) * COALESCE(
      IF(
        `t64`.`m3_points` IS NULL OR ISNAN(`t64`.`m3_points`),
        0.0,
        (
          IF(
            `t64`.`d_relationship_score` IS NULL OR ISNAN(`t64`.`d_relationship_score`),
            0.0,
            `t64`.`_d_relationship_w` / NULLIF(`t64`.`_comp_den`, 0.0)
          ) * `t64`.`_m3_w`
        ) / NULLIF(`t64`.`_d_relationship_den`, 0.0)
      ),
      0.0
    ) AS `m3_contribution`,
    CASE
      WHEN `t64`.`segment_rule` = 'enterprise'
      THEN IF(
        CAST(ROUND((
          `t64`.`d_voice_score` * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        OR ISNAN(CAST(ROUND((
          `t64`.`d_voice_score` * 100.0
        ) / 100.0, 9) AS DOUBLE)),
        CAST(NULL AS STRING),
        CASE
          WHEN CAST(ROUND((
            `t64`.`d_voice_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            `t64`.`d_voice_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      )
      ELSE IF(
        CAST(ROUND((
          `t64`.`d_voice_score` * 100.0
        ) / 100.0, 9) AS DOUBLE) IS NULL
        OR ISNAN(CAST(ROUND((
          `t64`.`d_voice_score` * 100.0
        ) / 100.0, 9) AS DOUBLE)),
        CAST(NULL AS STRING),
        CASE
          WHEN CAST(ROUND((
            `t64`.`d_voice_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) >= 70.0
          THEN 'green'
          WHEN CAST(ROUND((
            `t64`.`d_voice_score` * 100.0
          ) / 100.0, 9) AS DOUBLE) > 50.0
          THEN 'yellow'
          ELSE 'red'
        END
      )
    END AS `d_voice_band`,
    IF(
      `t64`.`d_voice_score` IS NULL OR ISNAN(`t64`.`d_voice_score`),
      0.0,
      `t64`.`_d_voice_w` / NULLIF(`t64`.`_comp_den`, 0.0)
    ) AS `d_voice_weight`,
    COALESCE(
      IF(
        `t64`.`m4_points` IS NULL OR ISNAN(`t64`.`m4_points`),
        0.0,
        (
          IF(
            `t64`.`d_voice_score` IS NULL OR ISNAN(`t64`.`d_voice_score`),
            0.0,
            `t64`.`_d_voice_w` / NULLIF(`t64`.`_comp_den`, 0.0)
          ) * `t64`.`_m4_w`
        ) / NULLIF(`t64`.`_d_voice_den`, 0.0)
      ),
      0.0
    ) AS `m4_weight`,
    COALESCE(`t64`.`m4_points`, 0.0) * COALESCE(
      IF(
        `t64`.`m4_points` IS NULL OR ISNAN(`t64`.`m4_points`),
        0.0,
        (
          IF(
            `t64`.`d_voice_score` IS NULL OR ISNAN(`t64`.`d_voice_score`),
            0.0,
            `t64`.`_d_voice_w` / NULLIF(`t64`.`_comp_den`, 0.0)
          ) * `t64`.`_m4_w`
        ) / NULLIF(`t64`.`_d_voice_den`, 0.0)
      ),
      0.0
    ) AS `m4_contribution`
  FROM (
    SELECT
      `t63`.`account_id`,
      `t63`.`as_of`,
      `t63`.`parent_account_id`,
      `t63`.`arr`,
      `t63`.`segment_rule`,
      `t63`.`m0_raw`,
      `t63`.`m1_raw`,
      `t63`.`m2_raw`,
      `t63`.`m3_raw`,
      `t63`.`m4_raw`,
      `t63`.`ov_0`,
      `t63`.`ov_1`,
      `t63`.`ov_2`,
      `t63`.`ov_3`,
      `t63`.`ov_4`,
      `t63`.`ov_overall`,
      `t63`.`ov_overall_reason`,
      `t63`.`m0_points`,
      `t63`.`m0_has_data`,
      `t63`.`m0_overridden`,
      `t63`.`_m0_w`,
      `t63`.`m1_points`,
      `t63`.`m1_has_data`,
      `t63`.`m1_overridden`,
      `t63`.`_m1_w`,
      `t63`.`m2_points`,
      `t63`.`m2_has_data`,
      `t63`.`m2_overridden`,
      `t63`.`_m2_w`,
      `t63`.`m3_points`,
      `t63`.`m3_has_data`,
      `t63`.`m3_overridden`,
      `t63`.`_m3_w`,
      `t63`.`m4_points`,
      `t63`.`m4_has_data`,
      `t63`.`m4_overridden`,
      `t63`.`_m4_w`,
      `t63`.`_d_usage_w`,
      `t63`.`_d_relationship_w`,
      `t63`.`_d_voice_w`,
      `t63`.`_d_usage_den`,
      `t63`.`d_usage_score`,
      `t63`.`d_usage_coverage`,
      `t63`.`_d_relationship_den`,
      `t63`.`d_relationship_score`,
      `t63`.`d_relationship_coverage`,
      `t63`.`_d_voice_den`,
      `t63`.`d_voice_score`,
      `t63`.`d_voice_coverage`,
      CAST(ROUND(
        COALESCE(
          (
            `t63`.`ov_overall` * 100.0
          ) / 100.0,
          (
            IF(
              `t63`.`d_usage_score` IS NULL OR ISNAN(`t63`.`d_usage_score`),
              0.0,
              `t63`.`d_usage_score` * `t63`.`_d_usage_w`
            ) + IF(
              `t63`.`d_relationship_score` IS NULL OR ISNAN(`t63`.`d_relationship_score`),
              0.0,
              `t63`.`d_relationship_score` * `t63`.`_d_relationship_w`
            ) + IF(
              `t63`.`d_voice_score` IS NULL OR ISNAN(`t63`.`d_voice_score`),
              0.0,
              `t63`.`d_voice_score` * `t63`.`_d_voice_w`
            )
          ) / NULLIF(
            IF(
              `t63`.`d_usage_score` IS NULL OR ISNAN(`t63`.`d_usage_score`),
              0.0,
              `t63`.`_d_usage_w`
            ) + IF(
              `t63`.`d_relationship_score` IS NULL OR ISNAN(`t63`.`d_relationship_score`),
              0.0,
              `t63`.`_d_relationship_w`
            ) + IF(
              `t63`.`d_voice_score` IS NULL OR ISNAN(`t63`.`d_voice_score`),
              0.0,
              `t63`.`_d_voice_w`
            ),
            0.0
          )
        ),
        9
      ) AS DOUBLE) AS `score`,
      IF(
        `t63`.`d_usage_score` IS NULL OR ISNAN(`t63`.`d_usage_score`),
        0.0,
        `t63`.`_d_usage_w`
      ) + IF(
        `t63`.`d_relationship_score` IS NULL OR ISNAN(`t63`.`d_relationship_score`),
        0.0,
        `t63`.`_d_relationship_w`
      ) + IF(
        `t63`.`d_voice_score` IS NULL OR ISNAN(`t63`.`d_voice_score`),
        0.0,
        `t63`.`_d_voice_w`
      ) AS `_comp_den`,
      CAST(ROUND(
        (
          (
            `t63`.`d_usage_coverage` * `t63`.`_d_usage_w`
          ) + (
            `t63`.`d_relationship_coverage` * `t63`.`_d_relationship_w`
          ) + (
            `t63`.`d_voice_coverage` * `t63`.`_d_voice_w`
          )
        ) / (
          `t63`.`_d_usage_w` + `t63`.`_d_relationship_w` + `t63`.`_d_voice_w`
        ),
        9
      ) AS DOUBLE) AS `coverage`,
      (
        (
          `t63`.`ov_overall` * 100.0
        ) / 100.0
      ) IS NOT NULL
      AND NOT ISNAN((
        `t63`.`ov_overall` * 100.0
      ) / 100.0) AS `overridden`,
      `t63`.`ov_overall_reason` AS `override_reason`
    FROM (
      SELECT
        `t62`.`account_id`,
        `t62`.`as_of`,
        `t62`.`parent_account_id`,
        `t62`.`arr`,
        `t62`.`segment_rule`,
        `t62`.`m0_raw`,
        `t62`.`m1_raw`,
        `t62`.`m2_raw`,
        `t62`.`m3_raw`,
        `t62`.`m4_raw`,
        `t62`.`ov_0`,
        `t62`.`ov_1`,
        `t62`.`ov_2`,
        `t62`.`ov_3`,
        `t62`.`ov_4`,
        `t62`.`ov_overall`,
        `t62`.`ov_overall_reason`,
        `t62`.`m0_points`,
        `t62`.`m0_has_data`,
        `t62`.`m0_overridden`,
        `t62`.`_m0_w`,
        `t62`.`m1_points`,
        `t62`.`m1_has_data`,
        `t62`.`m1_overridden`,
        `t62`.`_m1_w`,
        `t62`.`m2_points`,
        `t62`.`m2_has_data`,
        `t62`.`m2_overridden`,
        `t62`.`_m2_w`,
        `t62`.`m3_points`,
        `t62`.`m3_has_data`,
        `t62`.`m3_overridden`,
        `t62`.`_m3_w`,
        `t62`.`m4_points`,
        `t62`.`m4_has_data`,
        `t62`.`m4_overridden`,
        `t62`.`_m4_w`,
        `t62`.`_d_usage_w`,
        `t62`.`_d_relationship_w`,
        `t62`.`_d_voice_w`,
        IF(`t62`.`m0_points` IS NULL OR ISNAN(`t62`.`m0_points`), 0.0, `t62`.`_m0_w`) + IF(`t62`.`m1_points` IS NULL OR ISNAN(`t62`.`m1_points`), 0.0, `t62`.`_m1_w`) AS `_d_usage_den`,
        CAST(ROUND(
          (
            IF(
              `t62`.`m0_points` IS NULL OR ISNAN(`t62`.`m0_points`),
              0.0,
              `t62`.`m0_points` * `t62`.`_m0_w`
            ) + IF(
              `t62`.`m1_points` IS NULL OR ISNAN(`t62`.`m1_points`),
              0.0,
              `t62`.`m1_points` * `t62`.`_m1_w`
            )
          ) / NULLIF(
            IF(`t62`.`m0_points` IS NULL OR ISNAN(`t62`.`m0_points`), 0.0, `t62`.`_m0_w`) + IF(`t62`.`m1_points` IS NULL OR ISNAN(`t62`.`m1_points`), 0.0, `t62`.`_m1_w`),
            0.0
          ),
          9
        ) AS DOUBLE) AS `d_usage_score`,
        CAST(ROUND(
          (
            IF(`t62`.`m0_has_data`, `t62`.`_m0_w`, 0.0) + IF(`t62`.`m1_has_data`, `t62`.`_m1_w`, 0.0)
          ) / (
            `t62`.`_m0_w` + `t62`.`_m1_w`
          ),
          9
        ) AS DOUBLE) AS `d_usage_coverage`,
        IF(`t62`.`m2_points` IS NULL OR ISNAN(`t62`.`m2_points`), 0.0, `t62`.`_m2_w`) + IF(`t62`.`m3_points` IS NULL OR ISNAN(`t62`.`m3_points`), 0.0, `t62`.`_m3_w`) AS `_d_relationship_den`,
        CAST(ROUND(
          (
            IF(
              `t62`.`m2_points` IS NULL OR ISNAN(`t62`.`m2_points`),
              0.0,
              `t62`.`m2_points` * `t62`.`_m2_w`
            ) + IF(
              `t62`.`m3_points` IS NULL OR ISNAN(`t62`.`m3_points`),
              0.0,
              `t62`.`m3_points` * `t62`.`_m3_w`
            )
          ) / NULLIF(
            IF(`t62`.`m2_points` IS NULL OR ISNAN(`t62`.`m2_points`), 0.0, `t62`.`_m2_w`) + IF(`t62`.`m3_points` IS NULL OR ISNAN(`t62`.`m3_points`), 0.0, `t62`.`_m3_w`),
            0.0
          ),
          9
        ) AS DOUBLE) AS `d_relationship_score`,
        CAST(ROUND(
          (
            IF(`t62`.`m2_has_data`, `t62`.`_m2_w`, 0.0) + IF(`t62`.`m3_has_data`, `t62`.`_m3_w`, 0.0)
          ) / (
            `t62`.`_m2_w` + `t62`.`_m3_w`
          ),
          9
        ) AS DOUBLE) AS `d_relationship_coverage`,
        IF(`t62`.`m4_points` IS NULL OR ISNAN(`t62`.`m4_points`), 0.0, `t62`.`_m4_w`) AS `_d_voice_den`,
        CAST(ROUND(
          IF(
            `t62`.`m4_points` IS NULL OR ISNAN(`t62`.`m4_points`),
            0.0,
            `t62`.`m4_points` * `t62`.`_m4_w`
          ) / NULLIF(IF(`t62`.`m4_points` IS NULL OR ISNAN(`t62`.`m4_points`), 0.0, `t62`.`_m4_w`), 0.0),
          9
        ) AS DOUBLE) AS `d_voice_score`,
        CAST(ROUND(IF(`t62`.`m4_has_data`, `t62`.`_m4_w`, 0.0) / `t62`.`_m4_w`, 9) AS DOUBLE) AS `d_voice_coverage`
      FROM (
        SELECT
          `t61`.`account_id`,
          `t61`.`as_of`,
          `t61`.`parent_account_id`,
          `t61`.`arr`,
          `t61`.`segment_rule`,
          `t61`.`m0_raw`,
          `t61`.`m1_raw`,
          `t61`.`m2_raw`,
          `t61`.`m3_raw`,
          `t61`.`m4_raw`,
          `t61`.`ov_0`,
          `t61`.`ov_1`,
          `t61`.`ov_2`,
          `t61`.`ov_3`,
          `t61`.`ov_4`,
          `t61`.`ov_overall`,
          `t61`.`ov_overall_reason`,
          COALESCE(
            `t61`.`ov_0`,
            IF(
              `t61`.`m0_raw` IS NULL OR ISNAN(`t61`.`m0_raw`),
              CAST(NULL AS DOUBLE),
              CASE
                WHEN `t61`.`m0_raw` <= 0.0
                THEN 0.0
                WHEN `t61`.`m0_raw` >= 0.5
                THEN 100.0
                WHEN `t61`.`m0_raw` < 0.5
                THEN (
                  (
                    `t61`.`m0_raw` - 0.0
                  ) * 200.0
                ) + 0.0
                ELSE 100.0
              END
            )
          ) AS `m0_points`,
          (
            `t61`.`m0_raw` IS NOT NULL AND NOT ISNAN(`t61`.`m0_raw`)
          )
          OR (
            `t61`.`ov_0` IS NOT NULL AND NOT ISNAN(`t61`.`ov_0`)
          ) AS `m0_has_data`,
          `t61`.`ov_0` IS NOT NULL AND NOT ISNAN(`t61`.`ov_0`) AS `m0_overridden`,
          1.0 * 2.0 AS `_m0_w`,
          COALESCE(
            `t61`.`ov_1`,
            IF(
              `t61`.`m1_raw` IS NULL OR ISNAN(`t61`.`m1_raw`),
              CAST(NULL AS DOUBLE),
              CASE
                WHEN `t61`.`m1_raw` >= 50.0
                THEN 100.0
                WHEN `t61`.`m1_raw` >= 0.0
                THEN 50.0
                ELSE 0.0
              END
            )
          ) AS `m1_points`,
          (
            `t61`.`m1_raw` IS NOT NULL AND NOT ISNAN(`t61`.`m1_raw`)
          )
          OR (
            `t61`.`ov_1` IS NOT NULL AND NOT ISNAN(`t61`.`ov_1`)
          ) AS `m1_has_data`,
          `t61`.`ov_1` IS NOT NULL AND NOT ISNAN(`t61`.`ov_1`) AS `m1_overridden`,
          1.0 * 1.0 AS `_m1_w`,
          COALESCE(
            COALESCE(
              `t61`.`ov_2`,
              IF(
                `t61`.`m2_raw` IS NULL OR ISNAN(`t61`.`m2_raw`),
                CAST(NULL AS DOUBLE),
                CASE
                  WHEN `t61`.`m2_raw` <= 10.0
                  THEN 100.0
                  WHEN `t61`.`m2_raw` >= 100.0
                  THEN 0.0
                  WHEN `t61`.`m2_raw` < 100.0
                  THEN (
                    (
                      `t61`.`m2_raw` - 10.0
                    ) * -1.1111111111111112
                  ) + 100.0
                  ELSE 0.0
                END
              )
            ),
            0.0
          ) AS `m2_points`,
          (
            `t61`.`m2_raw` IS NOT NULL AND NOT ISNAN(`t61`.`m2_raw`)
          )
          OR (
            `t61`.`ov_2` IS NOT NULL AND NOT ISNAN(`t61`.`ov_2`)
          ) AS `m2_has_data`,
          `t61`.`ov_2` IS NOT NULL AND NOT ISNAN(`t61`.`ov_2`) AS `m2_overridden`,
          1.0 * 1.0 AS `_m2_w`,
          COALESCE(
            `t61`.`ov_3`,
            IF(
              `t61`.`m3_raw` IS NULL,
              CAST(NULL AS DOUBLE),
              CASE
                WHEN `t61`.`m3_raw` = TRUE
                THEN 100.0
                WHEN `t61`.`m3_raw` = FALSE
                THEN 0.0
                ELSE CAST(NULL AS DOUBLE)
              END
            )
          ) AS `m3_points`,
          (
            `t61`.`m3_raw` IS NOT NULL
          )
          OR (
            `t61`.`ov_3` IS NOT NULL AND NOT ISNAN(`t61`.`ov_3`)
          ) AS `m3_has_data`,
          `t61`.`ov_3` IS NOT NULL AND NOT ISNAN(`t61`.`ov_3`) AS `m3_overridden`,
          1.0 * 1.0 AS `_m3_w`,
          COALESCE(
            `t61`.`ov_4`,
            IF(
              `t61`.`m4_raw` IS NULL OR ISNAN(`t61`.`m4_raw`),
              CAST(NULL AS DOUBLE),
              CASE
                WHEN `t61`.`m4_raw` <= -100.0
                THEN 0.0
                WHEN `t61`.`m4_raw` >= 100.0
                THEN 100.0
                WHEN `t61`.`m4_raw` < 100.0
                THEN (
                  (
                    `t61`.`m4_raw` - -100.0
                  ) * 0.5
                ) + 0.0
                ELSE 100.0
              END
            )
          ) AS `m4_points`,
          (
            `t61`.`m4_raw` IS NOT NULL AND NOT ISNAN(`t61`.`m4_raw`)
          )
          OR (
            `t61`.`ov_4` IS NOT NULL AND NOT ISNAN(`t61`.`ov_4`)
          ) AS `m4_has_data`,
          `t61`.`ov_4` IS NOT NULL AND NOT ISNAN(`t61`.`ov_4`) AS `m4_overridden`,
          1.0 * 1.0 AS `_m4_w`,
          1.0 * CASE WHEN `t61`.`segment_rule` = 'enterprise' THEN 20.0 ELSE 40.0 END AS `_d_usage_w`,
          1.0 * 30.0 AS `_d_relationship_w`,
          1.0 * 30.0 AS `_d_voice_w`
        FROM (
          SELECT
            `t60`.`account_id`,
            `t60`.`as_of`,
            `t60`.`parent_account_id`,
            `t60`.`arr`,
            `t60`.`segment_rule`,
            `t60`.`m0_raw`,
            `t60`.`m1_raw`,
            `t60`.`m2_raw`,
            `t60`.`m3_raw`,
            `t60`.`m4_raw`,
            `t35`.`ov_0`,
            `t35`.`ov_1`,
            `t35`.`ov_2`,
            `t35`.`ov_3`,
            `t35`.`ov_4`,
            `t35`.`ov_overall`,
            `t35`.`ov_overall_reason`
          FROM (
            SELECT
              *
            FROM (
              SELECT
                `t57`.`account_id`,
                `t57`.`as_of`,
                `t57`.`parent_account_id`,
                `t57`.`arr`,
                CASE
                  WHEN (
                    `t57`.`segment` = 'enterprise'
                  ) AND (
                    `t57`.`arr` >= 100000.0
                  )
                  THEN 'enterprise'
                  ELSE CAST(NULL AS STRING)
                END AS `segment_rule`,
                COALESCE(`t57`.`usage_events_0`, 0.0) / NULLIF(CAST(`t57`.`seats` AS DOUBLE), 0) AS `m0_raw`,
                (
                  (
                    COALESCE(`t57`.`usage_events_0`, 0.0) - COALESCE(`t57`.`usage_events_1`, 0.0)
                  ) * 100.0
                ) / NULLIF(COALESCE(`t57`.`usage_events_1`, 0.0), 0) AS `m1_raw`,
                CAST(DATEDIFF(DAY, `t57`.`interactions_0`, `t57`.`as_of`) AS DOUBLE) AS `m2_raw`,
                COALESCE(`t57`.`contacts_0`, FALSE) AS `m3_raw`,
                `t57`.`surveys_0` AS `m4_raw`
              FROM (
                SELECT
                  `t56`.`account_id`,
                  `t56`.`name`,
                  `t56`.`segment`,
                  `t56`.`industry`,
                  `t56`.`csm`,
                  `t56`.`currency`,
                  `t56`.`customer_since`,
                  `t56`.`parent_account_id`,
                  `t56`.`as_of`,
                  `t56`.`active`,
                  `t56`.`arr`,
                  `t56`.`seats`,
                  `t56`.`plan`,
                  `t56`.`days_to_renewal`,
                  `t56`.`tenure_days`,
                  `t47`.`usage_events_0`,
                  `t47`.`usage_events_1`,
                  `t37`.`interactions_0`,
                  `t43`.`contacts_0`,
                  `t49`.`surveys_0`
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      `t14`.`account_id`,
                      `t14`.`name`,
                      `t14`.`segment`,
                      `t14`.`industry`,
                      `t14`.`csm`,
                      `t14`.`currency`,
                      `t14`.`customer_since`,
                      `t14`.`parent_account_id`,
                      `t13`.`as_of`,
                      (
                        COALESCE(`t39`.`n_active`, 0) > 0
                      )
                      OR (
                        `t53`.`child_active` IS NOT NULL
                      )
                      OR (
                        (
                          `t39`.`first_start` IS NULL
                        )
                        AND COALESCE(`t14`.`customer_since` <= `t13`.`as_of`, FALSE)
                      ) AS `active`,
                      `t39`.`arr`,
                      `t39`.`seats`,
                      `t39`.`plan`,
                      IF(
                        `t39`.`open_ended` > 0,
                        CAST(NULL AS BIGINT),
                        DATEDIFF(DAY, `t13`.`as_of`, `t39`.`renewal`)
                      ) AS `days_to_renewal`,
                      DATEDIFF(DAY, COALESCE(`t39`.`first_start`, `t14`.`customer_since`), `t13`.`as_of`) AS `tenure_days`
                    FROM (
                      SELECT
                        `t2`.`account_id`,
                        `t2`.`name`,
                        `t2`.`segment`,
                        `t2`.`industry`,
                        `t2`.`csm`,
                        `t2`.`currency`,
                        `t2`.`customer_since`,
                        `t2`.`parent_account_id`
                      FROM `accounts` AS `t2`
                    ) AS `t14`
                    CROSS JOIN (
                      SELECT
                        `t1`.`as_of`
                      FROM `ibis_memtable` AS `t1`
                    ) AS `t13`
                    LEFT OUTER JOIN `t33` AS `t39`
                      ON `t14`.`account_id` = `t39`.`account_id` AND `t13`.`as_of` = `t39`.`as_of`
                    LEFT OUTER JOIN (
                      SELECT
                        `t51`.`account_id`,
                        `t51`.`as_of`,
                        TRUE AS `child_active`
                      FROM (
                        SELECT DISTINCT
                          *
                        FROM (
                          SELECT
                            `t22`.`parent` AS `account_id`,
                            `t46`.`as_of`
                          FROM (
                            SELECT
                              *
                            FROM (
                              SELECT
                                `t2`.`account_id`,
                                `t2`.`parent_account_id` AS `parent`
                              FROM `accounts` AS `t2`
                            ) AS `t11`
                            WHERE
                              `t11`.`parent` IS NOT NULL
                          ) AS `t22`
                          INNER JOIN (
                            SELECT
                              *
                            FROM `t33` AS `t36`
                            WHERE
                              `t36`.`n_active` > 0
                          ) AS `t46`
                            ON `t22`.`account_id` = `t46`.`account_id`
                        ) AS `t50`
                      ) AS `t51`
                    ) AS `t53`
                      ON `t14`.`account_id` = `t53`.`account_id` AND `t13`.`as_of` = `t53`.`as_of`
                  ) AS `t54`
                  WHERE
                    `t54`.`active`
                ) AS `t56`
                LEFT OUTER JOIN (
                  SELECT
                    `t40`.`account_id`,
                    MAKE_DATE(2024, 3, 1) AS `as_of`,
                    `t40`.`usage_events_0`,
                    `t40`.`usage_events_1`
                  FROM (
                    SELECT
                      `t29`.`account_id`,
                      CAST(SUM(
                        CAST((
                          `t29`.`event` = 'login'
                        )
                        AND (
                          `t29`.`occurred_at` >= CAST('2024-02-02T00:00:00' AS TIMESTAMP)
                        ) AS BIGINT)
                      ) AS DOUBLE) AS `usage_events_0`,
                      CAST(SUM(
                        CAST((
                          `t29`.`event` = 'login'
                        )
                        AND (
                          `t29`.`occurred_at` < CAST('2024-02-02T00:00:00' AS TIMESTAMP)
                        ) AS BIGINT)
                      ) AS DOUBLE) AS `usage_events_1`
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          `t16`.`account_id`,
                          `t16`.`user_id`,
                          `t16`.`event`,
                          `t16`.`occurred_at`,
                          `t16`.`quantity`,
                          CAST(`t16`.`occurred_at` AS DATE) AS `_day`
                        FROM (
                          SELECT
                            *
                          FROM `usage_events` AS `t5`
                          WHERE
                            `t5`.`occurred_at` < CAST('2024-03-01T00:00:00' AS TIMESTAMP)
                            AND `t5`.`occurred_at` >= CAST('2024-01-05T00:00:00' AS TIMESTAMP)
                        ) AS `t16`
                      ) AS `t25`
                      WHERE
                        `t25`.`occurred_at` >= CAST('2024-01-05T00:00:00' AS TIMESTAMP)
                    ) AS `t29`
                    GROUP BY
                      1
                  ) AS `t40`
                ) AS `t47`
                  ON `t56`.`account_id` = `t47`.`account_id` AND `t56`.`as_of` = `t47`.`as_of`
                LEFT OUTER JOIN (
                  SELECT
                    `t31`.`account_id`,
                    MAKE_DATE(2024, 3, 1) AS `as_of`,
                    `t31`.`interactions_0`
                  FROM (
                    SELECT
                      `t23`.`account_id`,
                      CAST(MAX(IF(`t23`.`kind` IN ('meeting', 'qbr'), `t23`.`occurred_at`, NULL)) AS DATE) AS `interactions_0`
                    FROM (
                      SELECT
                        `t15`.`interaction_id`,
                        `t15`.`account_id`,
                        `t15`.`kind`,
                        `t15`.`occurred_at`,
                        `t15`.`direction`,
                        `t15`.`responded`,
                        `t15`.`contact_id`,
                        `t15`.`notes`,
                        CAST(`t15`.`occurred_at` AS DATE) AS `_day`
                      FROM (
                        SELECT
                          *
                        FROM `interactions` AS `t3`
                        WHERE
                          `t3`.`occurred_at` < CAST('2024-03-01T00:00:00' AS TIMESTAMP)
                      ) AS `t15`
                    ) AS `t23`
                    GROUP BY
                      1
                  ) AS `t31`
                ) AS `t37`
                  ON `t56`.`account_id` = `t37`.`account_id` AND `t56`.`as_of` = `t37`.`as_of`
                LEFT OUTER JOIN (
                  SELECT
                    `t38`.`account_id`,
                    MAKE_DATE(2024, 3, 1) AS `as_of`,
                    `t38`.`contacts_0`
                  FROM (
                    SELECT
                      `t24`.`account_id`,
                      SUM(
                        CAST((
                          `t24`.`is_champion` = TRUE
                        )
                        AND (
                          (
                            (
                              `t24`.`started_at` IS NULL
                            )
                            OR (
                              `t24`.`started_at` < MAKE_DATE(2024, 3, 1)
                            )
                          )
                          AND (
                            (
                              `t24`.`ended_at` IS NULL
                            ) OR (
                              `t24`.`ended_at` >= MAKE_DATE(2024, 3, 1)
                            )
                          )
                        ) AS BIGINT)
                      ) > 0 AS `contacts_0`
                    FROM (
                      SELECT
                        `t19`.`contact_id`,
                        `t19`.`account_id`,
                        `t19`.`name`,
                        `t19`.`email`,
                        `t19`.`role`,
                        `t19`.`is_champion`,
                        `t19`.`is_decision_maker`,
                        `t19`.`started_at`,
                        `t19`.`ended_at`,
                        `t19`.`started_at` AS `_day`
                      FROM (
                        SELECT
                          *
                        FROM `contacts` AS `t4`
                        WHERE
                          (
                            `t4`.`started_at` IS NULL
                          )
                          OR (
                            `t4`.`started_at` < MAKE_DATE(2024, 3, 1)
                          )
                      ) AS `t19`
                    ) AS `t24`
                    GROUP BY
                      1
                  ) AS `t38`
                ) AS `t43`
                  ON `t56`.`account_id` = `t43`.`account_id` AND `t56`.`as_of` = `t43`.`as_of`
                LEFT OUTER JOIN (
                  SELECT
                    `t45`.`account_id`,
                    MAKE_DATE(2024, 3, 1) AS `as_of`,
                    `t45`.`surveys_0`
                  FROM (
                    SELECT
                      `t30`.`account_id`,
                      (
                        (
                          SUM(CAST((
                            `t30`.`kind` = 'nps'
                          ) AND (
                            `t30`.`score` >= 9
                          ) AS BIGINT)) - SUM(CAST((
                            `t30`.`kind` = 'nps'
                          ) AND (
                            `t30`.`score` <= 6
                          ) AS BIGINT))
                        ) * 100.0
                      ) / NULLIF(SUM(CAST(`t30`.`kind` = 'nps' AS BIGINT)), 0) AS `surveys_0`
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          `t17`.`response_id`,
                          `t17`.`account_id`,
                          `t17`.`contact_id`,
                          `t17`.`kind`,
                          `t17`.`score`,
                          `t17`.`answered_at`,
                          `t17`.`comment`,
                          CAST(`t17`.`answered_at` AS DATE) AS `_day`
                        FROM (
                          SELECT
                            *
                          FROM `surveys` AS `t6`
                          WHERE
                            `t6`.`answered_at` < CAST('2024-03-01T00:00:00' AS TIMESTAMP)
                            AND `t6`.`answered_at` >= CAST('2023-03-02T00:00:00' AS TIMESTAMP)
                        ) AS `t17`
                      ) AS `t26`
                      WHERE
                        `t26`.`answered_at` >= CAST('2023-03-02T00:00:00' AS TIMESTAMP)
                    ) AS `t30`
                    GROUP BY
                      1
                  ) AS `t45`
                ) AS `t49`
                  ON `t56`.`account_id` = `t49`.`account_id` AND `t56`.`as_of` = `t49`.`as_of`
              ) AS `t57`
            ) AS `t58`
          ) AS `t60`
          LEFT OUTER JOIN (
            SELECT
              `t28`.`account_id`,
              `t28`.`as_of`,
              MAX_BY(
                IF(`t28`.`target` = 'usage.logins_per_seat_28d', `t28`.`value`, NULL),
                IF(`t28`.`target` = 'usage.logins_per_seat_28d', `t28`.`created_at`, NULL)
              ) AS `ov_0`,
              MAX_BY(
                IF(`t28`.`target` = 'usage.login_trend', `t28`.`value`, NULL),
                IF(`t28`.`target` = 'usage.login_trend', `t28`.`created_at`, NULL)
              ) AS `ov_1`,
              MAX_BY(
                IF(`t28`.`target` = 'relationship.days_since_meeting', `t28`.`value`, NULL),
                IF(`t28`.`target` = 'relationship.days_since_meeting', `t28`.`created_at`, NULL)
              ) AS `ov_2`,
              MAX_BY(
                IF(`t28`.`target` = 'relationship.champion_present', `t28`.`value`, NULL),
                IF(`t28`.`target` = 'relationship.champion_present', `t28`.`created_at`, NULL)
              ) AS `ov_3`,
              MAX_BY(
                IF(`t28`.`target` = 'voice.nps_365d', `t28`.`value`, NULL),
                IF(`t28`.`target` = 'voice.nps_365d', `t28`.`created_at`, NULL)
              ) AS `ov_4`,
              MAX_BY(
                IF(`t28`.`target` = 'overall', `t28`.`value`, NULL),
                IF(`t28`.`target` = 'overall', `t28`.`created_at`, NULL)
              ) AS `ov_overall`,
              MAX_BY(
                IF(`t28`.`target` = 'overall', `t28`.`reason`, NULL),
                IF(`t28`.`target` = 'overall', `t28`.`created_at`, NULL)
              ) AS `ov_overall_reason`
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  `t18`.`override_id`,
                  `t18`.`account_id`,
                  `t18`.`scorecard`,
                  `t18`.`target`,
                  `t18`.`value`,
                  `t18`.`reason`,
                  `t18`.`valid_from`,
                  `t18`.`until`,
                  `t18`.`author`,
                  `t18`.`created_at`,
                  `t13`.`as_of`
                FROM (
                  SELECT
                    *
                  FROM `health_overrides` AS `t0`
                  WHERE
                    `t0`.`scorecard` = 'reference'
                ) AS `t18`
                CROSS JOIN (
                  SELECT
                    `t1`.`as_of`
                  FROM `ibis_memtable` AS `t1`
                ) AS `t13`
              ) AS `t21`
              WHERE
                `t21`.`valid_from` <= `t21`.`as_of` AND `t21`.`as_of` < `t21`.`until`
            ) AS `t28`
            GROUP BY
              1,
              2
          ) AS `t35`
            ON `t60`.`account_id` = `t35`.`account_id` AND `t60`.`as_of` = `t35`.`as_of`
        ) AS `t61`
      ) AS `t62`
    ) AS `t63`
  ) AS `t64`
) AS `t65`
